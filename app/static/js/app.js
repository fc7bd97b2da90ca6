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
// The text stays in the form whatever happens: when the server asks to slow down (429),
// answers that it is unavailable (503) or cannot be reached, the same form is posted again
// later, with whatever was typed meanwhile. Until the server confirms a save, what was typed
// is also kept in this browser (localStorage), so a reload or a closed tab does not lose it:
// the next visit puts it back in the form and sends it, with the version it was based on,
// so the usual conflict check applies.
const AUTOSAVE_DELAY_MS = 2500;
const AUTOSAVE_RETRY_MS = 15000;
const LOCAL_COPY_PREFIX = "agora-unsaved:";
const UNSAVED_FIELDS_SKIPPED = new Set(["csrf_token", "lock_version"]);

function localCopyKey(form) {
  return LOCAL_COPY_PREFIX + new URL(form.action || window.location.href, window.location.href).pathname;
}

function formFields(form) {
  const fields = {};
  for (const element of form.elements) {
    if (!element.name || UNSAVED_FIELDS_SKIPPED.has(element.name) || element.type === "file") continue;
    if (element.type === "checkbox" || element.type === "radio") {
      if (element.checked) fields[element.name] = element.value;
    } else if (element.tagName !== "BUTTON" && element.type !== "submit") {
      fields[element.name] = element.value;
    }
  }
  return fields;
}

function restoreFields(form, fields) {
  for (const element of form.elements) {
    if (!element.name || !(element.name in fields) || UNSAVED_FIELDS_SKIPPED.has(element.name)) continue;
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = fields[element.name] === element.value;
    } else if (element.tagName !== "BUTTON" && element.type !== "submit" && element.type !== "file") {
      element.value = fields[element.name];
    }
  }
}

function readLocalCopy(key) {
  try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (error) { return null; }
}

function writeLocalCopy(key, copy) {
  try { window.localStorage.setItem(key, JSON.stringify(copy)); } catch (error) { /* full or off */ }
}

function dropLocalCopy(key) {
  try { window.localStorage.removeItem(key); } catch (error) { /* storage off */ }
}

function retryAfterMs(response, body) {
  const seconds = Number(response.headers.get("Retry-After") || (body && body.retry_after));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : AUTOSAVE_RETRY_MS;
}

// The form's fields as the save button sends them: URL-encoded, unless the form uploads a
// file (multipart). URL-encoded text is also much cheaper for the server to read.
function formBody(form) {
  const data = new FormData(form);
  return form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
}

function enableAutosave(form) {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("input[name=lock_version]");
  let timer = null;
  let saving = false;
  let notBefore = 0; // no autosave before this time (ms), as the server asked
  const key = localCopyKey(form);
  let edits = 0; // changes typed; a save confirms those typed before it was sent

  function keepLocally(submitted) {
    const kept = readLocalCopy(key);
    // The version the text was based on: kept from the first unsaved change.
    const base = kept && !kept.submitted ? kept.version : version.value;
    writeLocalCopy(key, { version: base, fields: formFields(form), submitted: !!submitted });
  }

  async function save() {
    if (saving) { schedule(); return; }
    saving = true;
    const sentAt = edits;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: formBody(form),
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
        if (edits === sentAt) dropLocalCopy(key);
        else writeLocalCopy(key, { version: version.value, fields: formFields(form), submitted: false });
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

  function changed() {
    edits += 1;
    keepLocally(false);
    schedule();
  }

  // Text typed while the server could not take it, kept from an earlier visit: put it back.
  // Based on the version on the page, it is simply sent again. Based on an older one, it is
  // sent with that version, and the server reports a colleague's change as a conflict;
  // unless it was posted with the save button, whose page then showed the newer version.
  const kept = readLocalCopy(key);
  if (kept && kept.fields) {
    if (kept.submitted && String(kept.version) !== String(version.value)) {
      dropLocalCopy(key);
    } else {
      restoreFields(form, kept.fields);
      version.value = kept.version;
      edits += 1;
      writeLocalCopy(key, { ...kept, submitted: false });
      schedule();
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    keepLocally(true);
  });
}

// Signing out forgets the text kept in this browser: the next person here must not see it.
function forgetUnsavedOnSignOut() {
  for (const form of document.querySelectorAll("form[action$='/logout']")) {
    form.addEventListener("submit", () => {
      try {
        for (const key of Object.keys(window.localStorage)) {
          if (key.startsWith(LOCAL_COPY_PREFIX)) window.localStorage.removeItem(key);
        }
      } catch (error) { /* storage off */ }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-autosave]")) enableAutosave(form);
  forgetUnsavedOnSignOut();
});

// The sticky save bar never hides the field being typed into: when the field reaches under
// the bar (or below the window), the page moves up just enough, never past the field's top.
function keepFieldClearOfSaveBar(form) {
  const bar = form.querySelector(".save-bar");
  if (!bar) return;
  const clear = (event) => {
    const field = event.target;
    if (!field.matches("textarea, input, select") || getComputedStyle(bar).position !== "sticky") return;
    const box = field.getBoundingClientRect();
    const limit = Math.min(bar.getBoundingClientRect().top, window.innerHeight) - 8;
    if (box.bottom > limit) window.scrollBy(0, Math.min(box.bottom - limit, box.top - 8));
  };
  form.addEventListener("focusin", clear);
  form.addEventListener("input", clear);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-autosave]")) keepFieldClearOfSaveBar(form);
});

// The proposed-wording box opens when the partner chooses "Support with amendments".
function openWordingOnAmend(box) {
  const stances = document.getElementById(box.dataset.wordingFor);
  if (!stances) return;
  stances.addEventListener("change", (event) => {
    if (event.target.value === "amend") box.open = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("details[data-wording-for]")) openWordingOnAmend(box);
});

// Live progress of background jobs: poll the JSON endpoint; the label is a live region, so the
// change is announced. When the job ends, its row is replaced by the server's fresh copy in
// place: no reload, so a screen reader's place and the keyboard focus stay where they were.
async function refreshRow(cell) {
  const row = cell.closest("[id]");
  if (!row) return;
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(row.id);
  if (!fresh) return;
  const hadFocus = row.contains(document.activeElement);
  row.innerHTML = fresh.innerHTML;
  if (hadFocus) {
    const target = row.querySelector("a, button") || row;
    if (target === row) row.setAttribute("tabindex", "-1");
    target.focus();
  }
}

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
        await refreshRow(cell);
      }
    } catch (error) {
      // The page still offers a refresh link.
    }
  }, 1500);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const cell of document.querySelectorAll("[data-progress-live]")) followProgress(cell);
});

// Confirmation in a dialog before an action that cannot simply be undone. Without this, the
// server answers the form with a page that asks the same question (app/confirm.py).
let confirmDialogs = 0;

function confirmBeforeSubmit(form) {
  form.addEventListener("submit", (event) => {
    const opener = event.submitter || form.querySelector("[type=submit], button:not([type])");
    const question = (opener && opener.dataset.confirm) || form.dataset.confirm;
    if (!question || form.querySelector("input[name=confirmed]")) return;
    event.preventDefault();
    confirmDialogs += 1;
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    const heading = document.createElement("h2");
    heading.className = "h5";
    heading.id = `confirm-dialog-${confirmDialogs}`;
    heading.textContent = question;
    dialog.setAttribute("aria-labelledby", heading.id);
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-danger";
    yes.textContent = opener.textContent.replace(/…\s*$/, "").trim();
    const no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-outline-secondary";
    no.textContent = form.dataset.confirmCancel || "Cancel";
    const buttons = document.createElement("div");
    buttons.className = "d-flex flex-wrap gap-2 mt-3";
    buttons.append(yes, no);
    dialog.append(heading, buttons);
    let confirmed = false;
    yes.addEventListener("click", () => {
      confirmed = true;
      const mark = document.createElement("input");
      mark.type = "hidden";
      mark.name = "confirmed";
      mark.value = "yes";
      form.append(mark);
      if (opener.name) {
        const choice = document.createElement("input");
        choice.type = "hidden";
        choice.name = opener.name;
        choice.value = opener.value;
        form.append(choice);
      }
      dialog.close();
      form.submit();
    });
    no.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (!confirmed) opener.focus(); // back where the person was
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-confirm], form:has([data-confirm])")) {
    confirmBeforeSubmit(form);
  }
});
