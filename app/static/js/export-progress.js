// Live progress of an export job. Progressive enhancement: without it the page offers a refresh link.
"use strict";

const EXPORT_POLL_MS = 1000;
const FINISHED_KEY = "export-finished";

// Poll the job's status and show it; once the job has ended, put the server's rendering of the
// result (the download button, or the reason it failed) in place of the bar: no reload, so
// the live status keeps its place and the focus moves to the result.
async function showResult(section) {
  const response = await fetch(window.location.href, {
    headers: { Accept: "text/html" },
    credentials: "same-origin",
  });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const result = page.getElementById("export-result");
  if (!result) {
    sessionStorage.setItem(FINISHED_KEY, window.location.pathname);
    window.location.reload();
    return;
  }
  for (const node of section.querySelectorAll("progress, [data-export-rows], [data-export-refresh]")) node.remove();
  section.removeAttribute("data-export-progress");
  section.appendChild(document.adoptNode(result));
  result.focus();
}

function followExport(section) {
  const label = section.querySelector("[data-export-label]");
  const bar = section.querySelector("progress");
  const rows = section.querySelector("[data-export-rows]");

  async function poll() {
    try {
      const response = await fetch(section.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      // Signed out (redirected to the sign-in page), or the job is gone: stop asking.
      if (response.redirected || response.status === 404 || response.status === 403) return;
      if (response.ok) {
        const body = await response.json();
        // A live region announces whatever it is given: write the status only when it changes.
        if (label.textContent.trim() !== body.status_label) label.textContent = body.status_label;
        bar.value = body.progress;
        bar.textContent = `${body.progress} %`;
        if (rows) rows.textContent = body.rows_written;
        if (body.finished) {
          await showResult(section);
          return;
        }
      }
    } catch (error) {
      // Offline for a moment: the next poll tries again.
    }
    setTimeout(poll, EXPORT_POLL_MS);
  }

  setTimeout(poll, EXPORT_POLL_MS);
}

// After that reload, take keyboard and screen-reader users straight to the result.
function focusFinishedExport() {
  if (sessionStorage.getItem(FINISHED_KEY) !== window.location.pathname) return;
  sessionStorage.removeItem(FINISHED_KEY);
  const result = document.getElementById("export-result");
  if (result) result.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  focusFinishedExport();
  for (const section of document.querySelectorAll("[data-export-progress]")) followExport(section);
});
