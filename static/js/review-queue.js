// Keyboard shortcuts for the review queue (templates/admin/tracker/review_queue.html).
// A file, not inline script: the CSP allows scripts from our origin only. Without JavaScript
// every shortcut has a button or link doing the same.
//   j / ArrowDown   next suggestion        k / ArrowUp   previous suggestion
//   c               confirm the current    r             reject the current
//   x               select the current (for "Confirm/Reject selected")
//   n / p           next / previous page
"use strict";
(function () {
  const form = document.getElementById("review-form");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tr.review-row"));
  const STORE = "review-queue-row";
  let current = -1;
  document.body.classList.add("review-keys-on");

  function focusRow(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(index, rows.length - 1));
    if (current >= 0) rows[current].classList.remove("is-current");
    current = index;
    const row = rows[current];
    row.classList.add("is-current");
    row.setAttribute("tabindex", "-1");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function decide(verdict) {
    if (current < 0) return;
    const button = rows[current].querySelector(`button[name="decide"][value^="${verdict}:"]`);
    if (!button) return;
    // The decided row leaves the page; the one after it takes its place after the reload.
    sessionStorage.setItem(STORE, String(current));
    button.click();
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (link) {
      sessionStorage.removeItem(STORE);
      window.location.assign(link.href);
    }
  }

  rows.forEach((row, index) => row.addEventListener("click", () => focusRow(index)));

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) {
      if (!(target.type === "checkbox" && target.closest("tr.review-row"))) return;
    }
    const actions = {
      j: () => focusRow(current + 1),
      ArrowDown: () => focusRow(current + 1),
      k: () => focusRow(current - 1),
      ArrowUp: () => focusRow(current - 1),
      c: () => decide("confirm"),
      r: () => decide("reject"),
      x: () => {
        if (current < 0) return;
        const box = rows[current].querySelector('input[type="checkbox"]');
        if (box) box.checked = !box.checked;
      },
      n: () => follow("review-next"),
      p: () => follow("review-prev"),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  const saved = sessionStorage.getItem(STORE);
  sessionStorage.removeItem(STORE);
  if (saved !== null && rows.length) focusRow(Number(saved));
})();
