// Reordering the agenda on the officer meeting page without a page reload per move.
//
// Progressive enhancement: every Up/Down button is an ordinary form that works without
// JavaScript (the page reloads). With JavaScript the same forms are sent with fetch and the
// server answers JSON with the saved order, numbers and versions; the rows move in place and
// a sentence in the status region (role="status", aria-live) tells screen readers where the
// item went. Rows can also be dragged by their handle; a drop sends the new position through
// the same URL. If the request cannot be made, the form is posted the ordinary way.

const tbody = document.querySelector("[data-agenda-order]");
const statusRegion = document.querySelector("[data-agenda-status]");

function rows() {
  return Array.from(tbody.querySelectorAll("tr[data-item]"));
}

function announce(text, isError) {
  if (!statusRegion) return;
  statusRegion.classList.toggle("portal-status-error", Boolean(isError));
  // Clear first so the same sentence twice is still announced.
  statusRegion.textContent = "";
  window.setTimeout(() => {
    statusRegion.textContent = text;
  }, 50);
}

// Put the rows in the saved order and refresh numbers, versions and the first/last buttons.
function apply(items) {
  const byPk = new Map(rows().map((row) => [row.dataset.item, row]));
  items.forEach((item) => {
    const row = byPk.get(String(item.pk));
    if (!row) return;
    tbody.appendChild(row);
    row.querySelector("[data-number]").textContent = item.number;
    row.querySelectorAll("[data-version]").forEach((input) => {
      input.value = item.version;
    });
  });
  const all = rows();
  all.forEach((row, index) => {
    const up = row.querySelector('[data-move="up"] button');
    const down = row.querySelector('[data-move="down"] button');
    if (up) up.hidden = index === 0;
    if (down) down.hidden = index === all.length - 1;
  });
}

async function send(url, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("application/json")) throw new Error("not JSON");
  return response.json();
}

let busy = false;

async function move(form, extra, focusAfter) {
  if (busy) return;
  busy = true;
  const data = new FormData(form);
  if (extra) {
    data.delete("direction");
    Object.entries(extra).forEach(([key, value]) => data.set(key, value));
  }
  const row = form.closest("tr");
  try {
    const answer = await send(form.action, data);
    apply(answer.items);
    announce(answer.message, !answer.ok);
    if (focusAfter) focusAfter(row);
  } catch (error) {
    busy = false;
    if (extra) {
      announce("The item could not be moved: reload the page and try again.", true);
      return;
    }
    // No answer we understand: post the form the ordinary way (the page reloads).
    form.submit();
    return;
  }
  busy = false;
}

// Keep the keyboard where it was: on the same button of the moved row, or on its other
// button when the item reached the top or the bottom.
function keepFocus(direction) {
  return (row) => {
    const same = row.querySelector(`[data-move="${direction}"] button`);
    const other = row.querySelector(`[data-move="${direction === "up" ? "down" : "up"}"] button`);
    const target = same && !same.hidden ? same : other;
    if (target) target.focus();
  };
}

function enhanceButtons() {
  tbody.querySelectorAll("form[data-move]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      move(form, null, keepFocus(form.dataset.move));
    });
  });
}

// --- drag and drop ------------------------------------------------------------------------

let dragged = null;

function clearMarks() {
  rows().forEach((row) => row.classList.remove("portal-drop-before", "portal-drop-after"));
}

function dropSlot(event) {
  // The row under the pointer and whether the drop goes before or after it.
  const row = event.target.closest("tr[data-item]");
  if (!row || !tbody.contains(row)) return null;
  const box = row.getBoundingClientRect();
  return { row, after: event.clientY > box.top + box.height / 2 };
}

function enhanceDrag() {
  if (rows().length < 2) return;
  rows().forEach((row) => {
    const cell = row.querySelector(".portal-move-cell");
    const handle = document.createElement("span");
    handle.className = "portal-drag-handle";
    handle.textContent = "⠿";
    handle.draggable = true;
    handle.title = "Drag to move this item";
    // Keyboard and screen reader users have the Up and Down buttons.
    handle.setAttribute("aria-hidden", "true");
    handle.dataset.dragHandle = "";
    cell.prepend(handle);
    handle.addEventListener("dragstart", (event) => {
      dragged = row;
      row.classList.add("portal-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.title || "");
      if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(row, 20, 20);
    });
    handle.addEventListener("dragend", () => {
      row.classList.remove("portal-dragging");
      clearMarks();
      dragged = null;
    });
  });
  tbody.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const slot = dropSlot(event);
    if (!slot) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    slot.row.classList.add(slot.after ? "portal-drop-after" : "portal-drop-before");
  });
  tbody.addEventListener("dragleave", (event) => {
    if (!tbody.contains(event.relatedTarget)) clearMarks();
  });
  tbody.addEventListener("drop", (event) => {
    if (!dragged) return;
    const slot = dropSlot(event);
    clearMarks();
    if (!slot) return;
    event.preventDefault();
    const all = rows();
    const from = all.indexOf(dragged);
    let slotIndex = all.indexOf(slot.row) + (slot.after ? 1 : 0);
    // The position the item takes once it has left its old place (1-based).
    if (slotIndex > from) slotIndex -= 1;
    const position = slotIndex + 1;
    if (position === from + 1) return;
    const form = dragged.querySelector("form[data-move]");
    move(form, { position: String(position) }, null);
  });
}

if (tbody) {
  enhanceButtons();
  enhanceDrag();
}
