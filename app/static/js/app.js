// Progressive enhancement only: every page works without this file.
"use strict";

// Show server times (rendered in the account's zone, or UTC) in the reader's own time zone.
function showLocalTimes() {
  const language = document.documentElement.lang || undefined;
  for (const element of document.querySelectorAll("time[data-local-time]")) {
    const when = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    element.textContent = new Intl.DateTimeFormat(language, {
      dateStyle: "long",
      timeStyle: "short",
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
