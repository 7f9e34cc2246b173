// A background import's page: asks for the job's status every few seconds and updates the status
// message (an aria-live region, so screen readers hear it) and the progress bar; once the job has
// ended the page is loaded again to show the result. Without JavaScript the page has a refresh link.
const box = document.getElementById("import-job-status");
const EVERY_MS = 3000;

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const shown = await response.json();
    if (shown.finished) {
      window.location.reload();
      return;
    }
    for (const element of box.querySelectorAll("[data-field]")) {
      const value = shown[element.dataset.field];
      if (value === undefined) continue;
      if (element.tagName === "PROGRESS") {
        element.value = value;
        element.textContent = `${value}%`;
      } else if (element.textContent !== String(value)) {
        element.textContent = String(value);
      }
    }
  } finally {
    if (box.dataset.finished !== "true") window.setTimeout(poll, EVERY_MS);
  }
}

if (box && box.dataset.finished !== "true") window.setTimeout(poll, EVERY_MS);
