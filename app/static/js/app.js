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
const AUTOSAVE_DELAY_MS = 2500;

function enableAutosave(form) {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("input[name=lock_version]");
  let timer = null;
  let saving = false;

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
      const body = await response.json();
      if (body.lock_version !== undefined && body.status === "saved") {
        version.value = body.lock_version;
      }
      if (status) status.textContent = body.message || "";
    } catch (error) {
      // Offline or server unreachable: the save button still works and nothing is lost.
    } finally {
      saving = false;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY_MS);
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
