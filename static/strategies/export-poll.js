// While an export is being made, check every few seconds and download it when it is ready.
// Without JavaScript the "Check again" link does the same.
const link = document.getElementById("export-check");
const status = document.getElementById("export-status");
if (link) {
  const poll = async () => {
    const response = await fetch(link.href, { method: "HEAD", credentials: "same-origin" });
    if (response.headers.get("Content-Disposition")) {
      status.textContent = "Ready: your download is starting.";
      window.location.href = link.href;
      return;
    }
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 3000);
}
