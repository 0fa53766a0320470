"""The XSS corpus: hostile text that the portal must show as text, never run.

Where the forms come from: the classic families of cross-site scripting vectors as documented
in OWASP's XSS Filter Evasion Cheat Sheet and the HTML5 Security Cheatsheet (html5sec.org),
the WHATWG HTML parsing rules (raw-text and RCDATA elements, foreign content in SVG and MathML,
comments and CDATA), the CommonMark specification (links, images, reference definitions,
autolinks, raw HTML) and the mutation-XSS cases published against HTML sanitisers. Every
payload was written out here by hand for this project; none is fetched at test time.

Each payload, if it ever ran, leaves a trace the browser tests look for:

- a dialog: ``alert(N)``, ``confirm(N)`` or ``prompt(N)``, where N is the payload's number;
- ``window.__xss`` set to N;
- an element carrying a ``data-xss`` attribute, or an ``<xss-marker>`` element, injected into
  the page.

Tokens in the templates below, expanded per payload:

``§N``      the payload's number
``§JS``     ``alert(N)``
``§WIN``    ``window.__xss=N``
``§MARK``   script that appends an ``<xss-marker>`` element to the page
``§ENT``    ``alert(N)`` as decimal character references
``§HEX``    ``alert(N)`` as hexadecimal character references
``§PCT``    ``alert(N)`` percent-encoded
``§UNI``    ``alert(N)`` with a JavaScript unicode escape in the identifier
``§B64HTML``  base64 of ``<script>alert(N)</script>`` (for ``data:`` URLs)
``§B64SVG``   base64 of an SVG document whose ``onload`` calls ``alert(N)``

NUL characters are left out on purpose: PostgreSQL refuses them in text columns and Django's
form fields reject them, so they can never reach a page; their textual spellings (``%00``,
``&#0;``, ``\\0``) are in the corpus instead.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    number: int
    family: str
    text: str
    # Plain text even when written raw into a page: an encoded form or server-side template
    # syntax, which must still be shown as written (never decoded or evaluated twice).
    inert: bool = False


INERT = "inert"

# (family, template[, INERT]). Templates are expanded by ``_expand``.
_TEMPLATES: list[tuple[str, ...]] = [
    # Script elements, plain and disguised.
    ("script", "<script>§JS</script>"),
    ("script", "<SCRIPT>§WIN</SCRIPT>"),
    ("script", "<ScRiPt data-xss=§N>§JS</sCrIpT>"),
    ("script", "<script src=data:,§JS></script>"),
    ("script", "<script/xss>§JS</script>"),
    ("script", "<script\t>§JS</script\t>"),
    ("script", "<<script>script>§JS<</script>/script>"),
    ("script", "<scr<script>ipt>§JS</scr</script>ipt>"),
    ("script", '<script type="text/javascript">§MARK</script>'),
    ("script", "<script>§JS//"),
    ("script", "<script\n>§JS</script\n>"),
    ("script", "<script async defer>§WIN</script>"),
    # Event-handler attributes that fire without anyone clicking.
    ("event-handler", "<img src=x onerror=§JS data-xss=§N>"),
    ("event-handler", '<img src="x" onerror="§JS" data-xss="§N">'),
    ("event-handler", "<img/src/onerror=§JS data-xss=§N>"),
    ("event-handler", "<img src=`x`onerror=§JS data-xss=§N>"),
    ("event-handler", "<IMG SRC=x ONERROR=§JS DATA-XSS=§N>"),
    ("event-handler", "<img src=x:x onerror=§WIN data-xss=§N>"),
    ("event-handler", "<img src=x onerror=§JS data-xss=§N"),
    ("event-handler", "<svg onload=§JS data-xss=§N>"),
    ("event-handler", "<svg/onload=§JS data-xss=§N>"),
    ("event-handler", "<body onload=§JS data-xss=§N>"),
    ("event-handler", "<body onpageshow=§JS data-xss=§N>"),
    ("event-handler", "<details open ontoggle=§JS data-xss=§N>"),
    ("event-handler", "<input autofocus onfocus=§JS data-xss=§N>"),
    ("event-handler", "<select autofocus onfocus=§JS data-xss=§N></select>"),
    ("event-handler", "<textarea autofocus onfocus=§JS data-xss=§N></textarea>"),
    ("event-handler", "<div contenteditable autofocus onfocus=§JS data-xss=§N>x</div>"),
    ("event-handler", "<video><source onerror=§JS data-xss=§N></video>"),
    ("event-handler", "<audio src=x onerror=§JS data-xss=§N>"),
    ("event-handler", "<iframe onload=§JS data-xss=§N></iframe>"),
    ("event-handler", "<marquee onstart=§JS data-xss=§N>x</marquee>"),
    ("event-handler", "<style onload=§JS data-xss=§N></style>"),
    ("event-handler", "<input type=image src=x onerror=§JS data-xss=§N>"),
    ("event-handler", "<img srcset=x onerror=§JS data-xss=§N>"),
    ("event-handler", "<picture><source srcset=x><img onerror=§JS data-xss=§N></picture>"),
    ("event-handler", "<a onmouseover=§JS data-xss=§N>hover me</a>"),
    ("event-handler", "<div onpointerenter=§JS data-xss=§N>point here</div>"),
    ("event-handler", "<x onclick=§JS data-xss=§N>click me</x>"),
    ("event-handler", "<div popover id=xss§N onbeforetoggle=§JS data-xss=§N>x</div>"),
    ("event-handler", "<frameset onload=§JS data-xss=§N>"),
    ("event-handler", "<img src=x onerror=§UNI data-xss=§N>"),
    ("event-handler", "<img src=x onerror=alert`§N` data-xss=§N>"),
    ("event-handler", "<img src=x onerror=&#97;lert(§N) data-xss=§N>"),
    ("event-handler", "<img src=x onerror=confirm(§N) data-xss=§N>"),
    ("event-handler", "<img src=x onerror=prompt(§N) data-xss=§N>"),
    # Dangerous URL schemes in HTML.
    ("url", '<a href="javascript:§JS" data-xss=§N>link</a>'),
    ("url", '<a href="JaVaScRiPt:§JS" data-xss=§N>link</a>'),
    ("url", '<a href="&#106;avascript:§JS" data-xss=§N>link</a>'),
    ("url", '<a href=" javascript:§JS" data-xss=§N>link</a>'),
    ("url", '<a href="java\tscript:§JS" data-xss=§N>link</a>'),
    ("url", '<a href="javascript&colon;§JS" data-xss=§N>link</a>'),
    ("url", '<a href="data:text/html;base64,§B64HTML" data-xss=§N>link</a>'),
    ("url", '<a href="vbscript:msgbox(§N)" data-xss=§N>link</a>'),
    ("url", "<iframe src=javascript:§JS data-xss=§N></iframe>"),
    ("url", "<iframe src=data:text/html;base64,§B64HTML data-xss=§N></iframe>"),
    ("url", "<embed src=javascript:§JS data-xss=§N>"),
    ("url", '<object data="data:text/html;base64,§B64HTML" data-xss=§N></object>'),
    ("url", "<form action=javascript:§JS data-xss=§N><button>Send</button></form>"),
    ("url", "<form><button formaction=javascript:§JS data-xss=§N>Send</button></form>"),
    ("url", '<meta http-equiv="refresh" content="0;url=javascript:§JS" data-xss=§N>'),
    ("url", "<base href=javascript:/§N/ data-xss=§N>"),
    ("url", "<math href=javascript:§JS data-xss=§N>click</math>"),
    ("url", '<a href="javascript://%0a§PCT" data-xss=§N>link</a>'),
    ("url", "javascript:§JS"),
    ("url", "data:text/html,<script>§JS</script>"),
    # Markdown: links, images, reference definitions, autolinks and raw HTML.
    ("markdown", "[link](javascript:§JS)"),
    ("markdown", "[link](JAVASCRIPT:§JS)"),
    ("markdown", "[link](javascript&#58;§JS)"),
    ("markdown", "[link](<javascript:§JS>)"),
    ("markdown", "[link]( javascript:§JS )"),
    ("markdown", "[link](java\tscript:§JS)", INERT),
    ("markdown", "[link](javascript://%0a§PCT)"),
    ("markdown", "![image](javascript:§JS)"),
    ("markdown", "![image](data:image/svg+xml;base64,§B64SVG)"),
    ("markdown", "[link](data:text/html;base64,§B64HTML)"),
    ("markdown", "[link](vbscript:msgbox(§N))"),
    ("markdown", "[reference][xss§N]\n\n[xss§N]: javascript:§JS"),
    ("markdown", '![reference image][img§N]\n\n[img§N]: javascript:§JS "title"'),
    ("markdown", "<javascript:§JS>"),
    ("markdown", '[link](https://example.com "a\\" onmouseover=§JS data-xss=§N x=\\"")'),
    ("markdown", '[link](#" onmouseover="§JS" data-xss="§N)'),
    ("markdown", "[<img src=x onerror=§JS data-xss=§N>](https://example.com)"),
    ("markdown", '![" onerror="§JS" data-xss="§N](x)'),
    ("markdown", "`<script>§JS</script>`"),
    ("markdown", "```html\n<script>§JS</script>\n<img src=x onerror=§JS data-xss=§N>\n```"),
    ("markdown", '<div data-xss="§N">\n\n*raw block* <script>§JS</script>\n\n</div>'),
    (
        "markdown",
        "| a | b |\n|---|---|\n| <img src=x onerror=§JS data-xss=§N> | [c](javascript:§JS) |",
    ),
    ("markdown", "> <svg onload=§JS data-xss=§N>\n> [quote](javascript:§JS)"),
    ("markdown", "**<script>§JS</script>** _<img src=x onerror=§JS data-xss=§N>_"),
    ("markdown", "[link](&#x6A;avascript:§JS)"),
    # Breaking out of an attribute value.
    ("attribute", '"><script>§JS</script>'),
    ("attribute", "'><img src=x onerror=§JS data-xss=§N>"),
    ("attribute", '" onmouseover="§JS" data-xss="§N'),
    ("attribute", "' onfocus='§JS' autofocus data-xss='§N"),
    ("attribute", "` onmouseover=§JS data-xss=§N `"),
    ("attribute", '" autofocus onfocus=§JS data-xss=§N x="'),
    ("attribute", '"/><svg/onload=§JS data-xss=§N>'),
    ("attribute", "x onerror=§JS data-xss=§N"),
    ("attribute", '" style="background:url(javascript:§JS)" data-xss="§N'),
    ("attribute", "&quot;&gt;&lt;img src=x onerror=§JS data-xss=§N&gt;"),
    # Breaking out of the element the text may sit in.
    ("breakout", "</textarea><script>§JS</script>"),
    ("breakout", "</textarea><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</title><script>§JS</script>"),
    ("breakout", "</style><script>§JS</script>"),
    ("breakout", "</script><script>§JS</script>"),
    ("breakout", "</noscript><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</option></select><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</a></p></div></td></tr></table><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "--><img src=x onerror=§JS data-xss=§N><!--"),
    ("breakout", "]]><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</xmp><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</iframe><img src=x onerror=§JS data-xss=§N>"),
    ("breakout", "</template><img src=x onerror=§JS data-xss=§N>"),
    # Text meant to end a script block or a JSON value inside one.
    ("json", "</script><script>§WIN</script>"),
    ("json", '"};§JS;//'),
    ("json", "'};§JS;//"),
    ("json", "\\u003c/script\\u003e\\u003cscript\\u003e§JS\\u003c/script\\u003e", INERT),
    ("json", "</ScRiPt ><script>§JS</script>"),
    ("json", '{"a":"</script><img src=x onerror=§JS data-xss=§N>"}'),
    ("json", '\\"};§JS;//'),
    # Template and expression injection (must stay literal text).
    ("template", "{{ 7*7 }}{{ request.META }}{% debug %}", INERT),
    ("template", "{% load static %}{% csrf_token %}{{ settings.SECRET_KEY }}", INERT),
    ("template", "{{constructor.constructor('§JS')()}}", INERT),
    ("template", "${§JS}"),
    ("template", "#{§JS}<%= 7*7 %>", INERT),
    ("template", "{{ '<script>§JS</script>'|safe }}"),
    ("template", "{% autoescape off %}<img src=x onerror=§JS data-xss=§N>{% endautoescape %}"),
    # Mutation XSS and namespace confusion in SVG and MathML.
    ("namespace", "<svg><script>§JS</script></svg>"),
    ("namespace", '<svg><a xlink:href="javascript:§JS" data-xss=§N><text y=20>x</text></a></svg>'),
    ("namespace", "<svg><animate onbegin=§JS attributeName=x dur=1s data-xss=§N></svg>"),
    ("namespace", "<svg><set onbegin=§JS attributeName=x to=1 data-xss=§N></svg>"),
    ("namespace", "<svg><foreignObject><img src=x onerror=§JS data-xss=§N></foreignObject></svg>"),
    ("namespace", "<math><mtext><table><mglyph><style><img src=x onerror=§JS data-xss=§N>"),
    (
        "namespace",
        '<svg></p><style><a id="</style><img src=1 onerror=§JS data-xss=§N>">',
    ),
    ("namespace", '<noscript><p title="</noscript><img src=x onerror=§JS data-xss=§N>">'),
    (
        "namespace",
        '<math><maction actiontype="statusline" href="javascript:§JS">x</maction></math>',
    ),
    ("namespace", "<svg><use href=data:image/svg+xml;base64,§B64SVG#x data-xss=§N></svg>"),
    ("namespace", '<!--<img src="--><img src=x onerror=§JS data-xss=§N>">'),
    ("namespace", '<iframe srcdoc="&lt;script&gt;parent.§JS&lt;/script&gt;" data-xss=§N>'),
    # Style sheets and CSS expressions.
    ("css", '<div style="background:url(javascript:§JS)" data-xss=§N>x</div>'),
    ("css", '<div style="width:expression(§JS)" data-xss=§N>x</div>'),
    ("css", "<style>@import 'javascript:§JS';</style>"),
    ("css", "<style>*{x:expression(§JS)}</style>"),
    ("css", "<link rel=stylesheet href=javascript:§JS data-xss=§N>"),
    # Encodings, look-alikes and control characters.
    ("encoding", "&lt;script&gt;§JS&lt;/script&gt;", INERT),
    ("encoding", "&#60;img src=x onerror=§JS data-xss=§N&#62;"),
    ("encoding", "&#x3C;svg onload=§HEX data-xss=§N&#x3E;"),
    ("encoding", "%3Cscript%3E§PCT%3C%2Fscript%3E", INERT),
    ("encoding", "\\x3cscript\\x3e§JS\\x3c/script\\x3e", INERT),
    ("encoding", "＜script＞§JS＜/script＞", INERT),
    ("encoding", "\ufeff<script>§JS</script>"),
    ("encoding", "<img src=x onerror=§ENT data-xss=§N>"),
    ("encoding", '<a href="java\u200dscript:§JS" data-xss=§N>link</a>'),
    ("encoding", "\u202e<img src=x onerror=§JS data-xss=§N>\u202c"),
    ("encoding", "<scr%00ipt>§JS</scr%00ipt>&#0;\\0", INERT),
    ("encoding", '<a href="\x01javascript:§JS" data-xss=§N>link</a>'),
    ("encoding", "\u2028<script>§JS</script>\u2029"),
    ("encoding", '<img src=x onerror="§JS"\u00a0data-xss=§N>'),
    # Elements that load or replace documents, and custom markers.
    ("element", "<xss-marker data-xss=§N>marker</xss-marker>"),
    ("element", "<object type=text/html data=javascript:§JS data-xss=§N></object>"),
    ("element", "<embed type=image/svg+xml src=data:image/svg+xml;base64,§B64SVG data-xss=§N>"),
    ("element", "<isindex action=javascript:§JS type=image data-xss=§N>"),
    ("element", '<link rel="import" href="data:text/html;base64,§B64HTML" data-xss=§N>'),
    ("element", "<dialog open data-xss=§N><form method=dialog><button>x</button></form></dialog>"),
    ("element", "<template><img src=x onerror=§JS></template><xss-marker data-xss=§N>"),
    ("element", "<button popovertarget=xss§N data-xss=§N>open</button>"),
]


def _entities(text: str, *, hexadecimal: bool) -> str:
    if hexadecimal:
        return "".join(f"&#x{ord(c):x};" for c in text)
    return "".join(f"&#{ord(c)};" for c in text)


def _expand(template: str, number: int) -> str:
    action = f"alert({number})"
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="alert({number})"/>'
    replacements = {
        "§B64HTML": base64.b64encode(f"<script>{action}</script>".encode()).decode(),
        "§B64SVG": base64.b64encode(svg.encode()).decode(),
        "§MARK": "document.body.append(document.createElement('xss-marker'))",
        "§WIN": f"window.__xss={number}",
        "§ENT": _entities(action, hexadecimal=False),
        "§HEX": _entities(action, hexadecimal=True),
        "§PCT": "".join(f"%{ord(c):02x}" for c in action),
        "§UNI": f"\\u0061lert({number})",
        "§JS": action,
        "§N": str(number),
    }
    text = template
    for token, value in replacements.items():
        text = text.replace(token, value)
    return text


PAYLOADS: list[Payload] = [
    Payload(
        number=index,
        family=entry[0],
        text=_expand(entry[1], index),
        inert=INERT in entry[2:],
    )
    for index, entry in enumerate(_TEMPLATES, start=1)
]
