// Attaching files with progress. Progressive enhancement: without this script the form posts
// every file at once as a plain multipart form and the server answers with a page.
"use strict";

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : ""));
}

// Send one file; resolve with the server's JSON answer (or a connection failure).
function sendFile(form, file, onProgress) {
  return new Promise((resolve) => {
    const data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("files", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (error) {
        body = null;
      }
      resolve({ ok: xhr.status === 200, body, status: xhr.status });
    });
    xhr.addEventListener("error", () => resolve({ ok: false, body: null, status: 0 }));
    xhr.send(data);
  });
}

function showRefusals(form, refusals) {
  let summary = form.parentNode.querySelector("[data-attachment-errors]");
  if (!summary) {
    summary = document.createElement("div");
    summary.className = "alert alert-danger";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    summary.dataset.attachmentErrors = "";
    form.parentNode.insertBefore(summary, form);
  }
  summary.replaceChildren();
  const list = document.createElement("ul");
  list.className = "mb-0";
  for (const text of refusals) {
    const item = document.createElement("li");
    item.textContent = text;
    list.appendChild(item);
  }
  summary.appendChild(list);
  summary.focus();
}

function enhance(form) {
  const input = form.querySelector("input[type=file]");
  const status = form.querySelector("[role=status]");
  const holder = form.querySelector(".attachment-progress");
  const bar = holder.querySelector("progress");
  const button = form.querySelector("button");
  const maxBytes = Number(form.dataset.maxBytes);
  const maxFiles = Number(form.dataset.maxFiles);

  form.addEventListener("submit", async (event) => {
    const files = Array.from(input.files || []);
    if (!files.length || !window.FormData) return; // the server says what is missing
    event.preventDefault();
    if (files.length > maxFiles) {
      showRefusals(form, [form.dataset.tooMany]);
      return;
    }
    const refusals = [];
    let accepted = 0;
    button.disabled = true;
    holder.hidden = false;
    for (const file of files) {
      if (file.size > maxBytes) {
        refusals.push(fill(form.dataset.tooLarge, { name: file.name }));
        continue;
      }
      let announced = -1;
      bar.value = 0;
      const answer = await sendFile(form, file, (percent) => {
        bar.value = percent;
        bar.textContent = `${percent} %`;
        // A live region reads every change: announce each quarter, not every percent.
        const step = Math.floor(percent / 25);
        if (step !== announced) {
          announced = step;
          status.textContent =
            percent < 100
              ? fill(form.dataset.sending, { name: file.name, percent })
              : fill(form.dataset.checking, { name: file.name });
        }
      });
      if (answer.body) {
        accepted += answer.body.accepted.length;
        for (const refused of answer.body.refused) {
          refusals.push(fill(form.dataset.refused, { name: refused.name, reason: refused.reason }));
        }
        if (answer.body.message) refusals.push(answer.body.message);
      } else {
        refusals.push(fill(form.dataset.failed, { name: file.name }));
      }
    }
    button.disabled = false;
    holder.hidden = true;
    status.textContent = "";
    if (!refusals.length) {
      window.location.reload(); // the list and the confirmation come from the server
      return;
    }
    input.value = "";
    showRefusals(form, refusals);
    if (accepted) {
      // Files kept beside the refused ones: the list below the message shows them after a reload.
      const link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = form.dataset.refresh || "↻";
      form.parentNode.querySelector("[data-attachment-errors]").appendChild(link);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-attachment-upload]")) enhance(form);
});
