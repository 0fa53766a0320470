// Progress of a report compilation, kept up to date without reloading the page.
// The page works without this: its "Refresh" link shows the latest progress. With it, the
// status is fetched every two seconds and written into the progress bar and the status line
// (role="status", so screen readers announce each new stage); when the compilation finishes
// the report opens, and when it fails the page reloads to show why and offer "Try again".
const root = document.getElementById("compile-progress");
const running = root && ["queued", "running"].includes(root.dataset.status);

if (running) {
  const bar = document.getElementById("compile-progress-bar");
  const stage = document.getElementById("compile-stage");
  const say = (text) => {
    if (stage.textContent !== text) {
      stage.textContent = text;
    }
  };

  const poll = async () => {
    let data;
    try {
      const response = await fetch(root.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      data = await response.json();
    } catch {
      // A dropped connection or a restarting server: keep the page as it is and try later.
      window.setTimeout(poll, 5000);
      return;
    }
    bar.value = data.progress;
    bar.textContent = `${data.progress}%`;
    if (data.status === "succeeded") {
      say("100% done: finished. Opening the report.");
      window.location.assign(data.report_url);
      return;
    }
    if (data.status === "failed") {
      window.location.reload();
      return;
    }
    say(`${data.progress}% done: ${data.stage || "waiting to start"}.`);
    window.setTimeout(poll, 2000);
  };

  window.setTimeout(poll, 1000);
}
