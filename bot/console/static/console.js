// Progressive enhancement only: every page works without this file.
"use strict";

function fill(format, values) {
  return format.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

function watchProgress(box) {
  const bar = box.querySelector("progress");
  const numbers = box.querySelector(".numbers");
  async function poll() {
    try {
      const answer = await fetch(box.dataset.progressUrl, { credentials: "same-origin" });
      if (!answer.ok) return;
      const p = await answer.json();
      const done = p.total - p.pending;
      bar.max = p.total || 1;
      bar.value = p.total ? done : 1;
      const percent = p.total ? Math.round((100 * done) / p.total) : 100;
      numbers.textContent = fill(box.dataset.format, { ...p, percent });
      if (p.pending > 0) setTimeout(poll, 1000);
    } catch (error) {
      setTimeout(poll, 5000);
    }
  }
  poll();
}

function livePreview() {
  for (const input of document.querySelectorAll("[data-preview]")) {
    const target = document.getElementById("preview-" + input.dataset.preview);
    if (!target) continue;
    input.addEventListener("input", () => { target.textContent = input.value; });
  }
}

function previewUpcoming() {
  const form = document.querySelector("form[data-preview-url]");
  const target = document.getElementById("upcoming");
  if (!form || !target) return;
  let timer = null;
  async function refresh() {
    const answer = await fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    const fresh = page.getElementById("upcoming");
    if (answer.ok && fresh) target.replaceChildren(...fresh.childNodes);
  }
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  refresh();
}

function confirmForms() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-progress-url]").forEach(watchProgress);
  livePreview();
  previewUpcoming();
  confirmForms();
});
