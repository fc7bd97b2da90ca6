// Progressive enhancement only: every page works without this file.
"use strict";

// Show server times (rendered in the account's zone, or UTC) in the reader's own time zone.
function showLocalTimes() {
  const language = document.documentElement.lang || undefined;
  for (const element of document.querySelectorAll("time[data-local-time]")) {
    const when = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    // dateStyle/timeStyle cannot be combined with timeZoneName: name each part instead.
    element.textContent = new Intl.DateTimeFormat(language, {
      year: "numeric",
      month: "long",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    }).format(when);
  }
}

// Move focus to the error summary so screen-reader and keyboard users hear what to fix.
function focusErrorSummary() {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  showLocalTimes();
  focusErrorSummary();
});

// Autosave: after a pause in typing, post the form in the background and announce the result.
// The text stays in the form whatever happens: when the server asks to slow down (429) or
// cannot be reached, the same form is posted again later, with whatever was typed meanwhile.
const AUTOSAVE_DELAY_MS = 2500;
const AUTOSAVE_RETRY_MS = 15000;

function retryAfterMs(response, body) {
  const seconds = Number(response.headers.get("Retry-After") || (body && body.retry_after));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : AUTOSAVE_RETRY_MS;
}

function enableAutosave(form) {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("input[name=lock_version]");
  let timer = null;
  let saving = false;
  let notBefore = 0; // no autosave before this time (ms), as the server asked

  async function save() {
    if (saving) { schedule(); return; }
    saving = true;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      let body = null;
      try { body = await response.json(); } catch (error) { body = null; }
      if (response.status === 429 || response.status >= 500 || body === null) {
        notBefore = Date.now() + retryAfterMs(response, body);
        if (status && body && body.message) status.textContent = body.message;
        schedule();
        return;
      }
      if (body.lock_version !== undefined && body.status === "saved") {
        version.value = body.lock_version;
      }
      if (status) status.textContent = body.message || "";
    } catch (error) {
      // Offline or server unreachable: try again later; the save button still works.
      notBefore = Date.now() + AUTOSAVE_RETRY_MS;
      schedule();
    } finally {
      saving = false;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(AUTOSAVE_DELAY_MS, notBefore - Date.now()));
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", () => clearTimeout(timer));
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-autosave]")) enableAutosave(form);
});

// Live progress of background jobs: poll the JSON endpoint until the job ends, then reload.
function followProgress(cell) {
  const label = cell.querySelector("[data-progress-label]");
  const bar = cell.querySelector("progress");
  const timer = setInterval(async () => {
    try {
      const response = await fetch(cell.dataset.progressUrl, { headers: { Accept: "application/json" } });
      const body = await response.json();
      if (label) label.textContent = body.status_label;
      if (bar) bar.value = body.progress;
      if (body.status === "done" || body.status === "failed") {
        clearInterval(timer);
        window.location.reload();
      }
    } catch (error) {
      // The page still offers a refresh link.
    }
  }, 1500);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const cell of document.querySelectorAll("[data-progress-live]")) followProgress(cell);
});
