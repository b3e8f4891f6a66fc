// Session warning and kept drafts (issue 16, finding 7; WCAG 2.2.1 Timing adjustable).
//
// A sign-in lasts SESSION_AGE_MINUTES. includes/session_timeout.html gives the seconds left
// and how long before the end to warn; a modal dialog (announced by its title and message)
// then offers "Stay signed in", which POSTs to /accounts/session/ (CSRF token in the form)
// and starts the time again, as often as the user likes.
//
// A form submitted after the end is not lost: every POST form's fields (not passwords, files
// or the CSRF token) are kept in this tab's sessionStorage when it is submitted. If the sign-in
// had ended, the portal answers with the sign-in page; after signing in the user is sent back
// to the form, which is filled in again from what was kept, with a message saying so. On any
// other page the kept copy is dropped (the submission reached the server).

const DRAFT_KEY = "portal-draft";
const LOGIN_PATH = "/accounts/login/";

const root = document.getElementById("session-timeout");

function clock(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function sessionWarning() {
  const dialog = root.querySelector("dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const form = dialog.querySelector("form[data-session-extend]");
  const title = dialog.querySelector("[data-session-title]");
  const message = dialog.querySelector("[data-session-message]");
  const stay = dialog.querySelector("[data-session-stay]");
  const close = dialog.querySelector("[data-session-close]");
  const status = root.querySelector("[data-session-status]");
  let warnBefore = Number(root.dataset.warnBefore) * 1000;
  let deadline = Date.now() + Number(root.dataset.expiresIn) * 1000;
  let timers = [];
  let ended = false;

  const clear = () => {
    timers.forEach((t) => window.clearTimeout(t));
    timers = [];
  };
  const describe = () => {
    const minutes = Math.max(1, Math.ceil((deadline - Date.now()) / 60000));
    message.textContent =
      `For your security, you will be signed out at ${clock(deadline)}, in about ` +
      `${minutes} minute${minutes === 1 ? "" : "s"}. Choose "Stay signed in" to keep working. ` +
      "Anything you submit after that is kept on this page until you sign in again.";
  };
  const warn = () => {
    describe();
    if (!dialog.open) dialog.showModal();
    timers.push(window.setTimeout(warn, 30000)); // keep the minutes left up to date
  };
  const end = () => {
    clear();
    ended = true;
    title.textContent = "You have been signed out";
    message.textContent =
      "Your sign-in has ended. What you type on this page is kept when you submit it: sign " +
      "in again and it is put back for you to save.";
    stay.textContent = "Sign in again";
    if (!dialog.open) dialog.showModal();
    // The sign-in is over: static/js/offline.mjs has the service worker ask the server and
    // delete the member's saved private copies (members' packs, pages with notes) now, not
    // at the next page load (issue 23, attack23).
    document.dispatchEvent(new CustomEvent("portal:session-ended"));
  };
  const schedule = () => {
    clear();
    const left = deadline - Date.now();
    timers.push(window.setTimeout(warn, Math.max(0, left - warnBefore)));
    timers.push(window.setTimeout(end, Math.max(0, left)));
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (ended) {
      window.location.assign(
        `${root.dataset.loginUrl}?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
      );
      return;
    }
    let data = null;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (response.ok && type.startsWith("application/json")) data = await response.json();
    } catch {
      data = null;
    }
    if (!data) {
      end();
      return;
    }
    deadline = Date.now() + data.expires_in * 1000;
    warnBefore = data.warn_before * 1000;
    dialog.close();
    status.textContent = `You are still signed in, until ${clock(deadline)}.`;
    schedule();
  });
  close.addEventListener("click", () => dialog.close());
  schedule();
}

function fieldsOf(form) {
  const kept = [];
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") continue;
    if (["password", "file", "submit", "button", "reset", "image"].includes(el.type)) continue;
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    if (el.tagName === "SELECT" && el.multiple) {
      for (const option of el.selectedOptions) kept.push([el.name, option.value]);
    } else {
      kept.push([el.name, el.value]);
    }
  }
  return kept;
}

function restore(form, fields) {
  const values = new Map();
  for (const [name, value] of fields) {
    if (!values.has(name)) values.set(name, []);
    values.get(name).push(value);
  }
  for (const el of form.elements) {
    if (!el.name || !values.has(el.name)) continue;
    const wanted = values.get(el.name);
    if (el.type === "checkbox" || el.type === "radio") {
      el.checked = wanted.includes(el.value);
    } else if (el.tagName === "SELECT") {
      for (const option of el.options) option.selected = wanted.includes(option.value);
    } else {
      el.value = wanted.shift() ?? el.value;
    }
  }
  // Tell the user, where they are: a banner at the top of the page, focused.
  const banner = document.createElement("div");
  banner.className = "govuk-notification-banner";
  banner.setAttribute("role", "alert");
  banner.tabIndex = -1;
  banner.id = "draft-restored";
  banner.innerHTML =
    '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title">Important</h2></div>' +
    '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading"></p></div>';
  banner.querySelector("p").textContent =
    "What you typed before your sign-in ended has been put back. Check it and save it again.";
  const main = document.getElementById("main-content") || document.body;
  main.prepend(banner);
  banner.focus();
}

function keepDrafts() {
  let draft = null;
  try {
    draft = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    draft = null;
  }
  if (draft) {
    window.sessionStorage.removeItem(DRAFT_KEY);
    let cameFromLogin = false;
    try {
      cameFromLogin = new URL(document.referrer).pathname === LOGIN_PATH;
    } catch {
      cameFromLogin = false;
    }
    if (cameFromLogin && draft.path === window.location.pathname) {
      const form = [...document.querySelectorAll("form")].find(
        (f) =>
          (f.getAttribute("method") || "").toLowerCase() === "post" &&
          new URL(f.action, window.location.href).pathname === draft.path,
      );
      if (form) restore(form, draft.fields);
    }
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.sessionExtend !== undefined) return;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    const path = new URL(form.action, window.location.href).pathname;
    if (path === "/accounts/logout/") return;
    try {
      window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ path, fields: fieldsOf(form) }));
    } catch {
      // Storage full or switched off: the form is still submitted.
    }
  });
}

if (root) {
  sessionWarning();
  keepDrafts();
}
