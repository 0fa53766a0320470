// Progressive enhancement of the section editor: a live preview as you type, and an autosave
// of unsaved text every few seconds so that closing the tab loses nothing. Without JavaScript
// the form still saves, and the "Preview" button renders the preview on the server.
const form = document.getElementById("section-form");

if (form) {
  const body = form.querySelector("textarea[name=body]");
  const title = form.querySelector("input[name=title]");
  const preview = document.getElementById("preview");
  const status = document.getElementById("autosave-status");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let lastSent = "";
  let previewTimer = null;

  const payload = () => {
    const data = new FormData(form);
    data.delete("preview");
    return data;
  };

  const post = (url, data) =>
    fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    });

  const refreshPreview = async () => {
    const data = new FormData();
    data.append("body", body.value);
    try {
      const response = await post(form.dataset.previewUrl, data);
      if (response.ok) {
        preview.innerHTML = await response.text(); // sanitised on the server
      }
    } catch (error) {
      // Keep the previous preview; the server-side Preview button still works.
    }
  };

  const autosave = async () => {
    const current = `${title.value}\u0000${body.value}`;
    if (current === lastSent) {
      return;
    }
    try {
      const response = await post(form.dataset.autosaveUrl, payload());
      if (response.ok) {
        const result = await response.json();
        lastSent = current;
        status.textContent = `Unsaved changes kept as a draft at ${result.at}. Save the section to make them a revision.`;
      } else {
        status.textContent = "Your changes could not be kept as a draft. Save the section to keep them.";
      }
    } catch (error) {
      status.textContent = "You seem to be offline: your changes have not been kept yet.";
    }
  };

  lastSent = `${title.value}\u0000${body.value}`;
  form.addEventListener("submit", (event) => {
    // Saving makes the text a revision and deletes the autosaved draft: sending the text again
    // as the page unloads would bring that draft back, stale, after the save. ("Preview" is not
    // a save, so its text is still kept.)
    if (!event.submitter || event.submitter.name !== "preview") {
      lastSent = `${title.value}\u0000${body.value}`;
    }
  });
  body.addEventListener("input", () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 400);
  });
  setInterval(autosave, 5000);
  window.addEventListener("pagehide", () => {
    const current = `${title.value}\u0000${body.value}`;
    if (current !== lastSent && navigator.sendBeacon) {
      const data = payload();
      data.append("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(form.dataset.autosaveUrl, data);
    }
  });
}
