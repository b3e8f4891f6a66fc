// Registers the service worker (static/js/sw.js, served as /sw.js) and drives "Save for
// offline" (issue 23, "Offline papers"; meetings.packs.offline; docs/meetings.md, "Saved meetings offline").
//
// Progressive enhancement: without a service worker nothing shows and nothing changes. With
// one, every page that loads online asks the worker to check its saved private copies with
// the server; the "Save for offline" panels (hidden in the HTML) appear and say whether the
// meeting is saved, when, and whether a newer version is available; pressing the sign-out
// button tells the worker to delete the private copies at once.

const WORKER_URL = "/sw.js";
const LOGOUT_PATH = "/accounts/logout/";
const SAVED_PREFIX = "/offline/saved/";
const PRIVATE_PREFIX = "offline-private-";
const REPLY_WAIT_MS = 120000;
const SESSION_END_SYNC_MS = 3000;

const supported = "serviceWorker" in navigator && "caches" in window && window.isSecureContext;

function savedOn(iso) {
  return new Date(iso).toLocaleString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

async function worker() {
  const registration = await navigator.serviceWorker.ready;
  return registration.active;
}

async function send(message) {
  const active = await worker();
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = window.setTimeout(() => reject(new Error("no answer")), REPLY_WAIT_MS);
    channel.port1.onmessage = (event) => {
      window.clearTimeout(timer);
      resolve(event.data);
    };
    active.postMessage(message, [channel.port2]);
  });
}

// The saved record of a meeting: the signed-in member's before the public one.
async function savedRecord(meeting) {
  const names = (await caches.keys())
    .filter((name) => name.startsWith("offline-"))
    .sort((a, b) => Number(b.startsWith(PRIVATE_PREFIX)) - Number(a.startsWith(PRIVATE_PREFIX)));
  for (const name of names) {
    const hit = await (await caches.open(name)).match(SAVED_PREFIX + meeting);
    if (hit) return hit.json();
  }
  return null;
}

function parts(box) {
  return {
    status: box.querySelector("[data-offline-status]"),
    button: box.querySelector("[data-offline-save]"),
    label: box.querySelector("[data-offline-label]"),
  };
}

async function show(box) {
  const { status, button, label } = parts(box);
  const record = await savedRecord(box.dataset.offlineMeeting);
  box.dataset.offlineState = record ? "saved" : "not-saved";
  if (!navigator.onLine) {
    button.disabled = true;
    status.textContent = record
      ? `Saved on ${savedOn(record.savedAt)}. You're offline: this is the saved copy.`
      : "You're offline: this meeting can be saved once you have a connection.";
    return;
  }
  button.disabled = false;
  if (!record) return;
  if (record.version !== box.dataset.offlineVersion) {
    box.dataset.offlineState = "stale";
    status.textContent = `A newer version is available: you saved this meeting on ${savedOn(record.savedAt)}.`;
    label.textContent = "Refresh the saved copy";
  } else {
    status.textContent = `Saved for offline on ${savedOn(record.savedAt)}.`;
    label.textContent = "Save again";
  }
}

async function saveMeeting(box) {
  const { status, button } = parts(box);
  button.disabled = true;
  status.textContent = "Saving…";
  try {
    const result = await send({ type: "save", plan: box.dataset.offlinePlan });
    if (!result.ok) throw new Error(result.error);
    await show(box);
    if (result.refused.length) {
      status.textContent += ` ${result.refused.length} file${result.refused.length === 1 ? "" : "s"} could not be saved: try again later.`;
    }
  } catch (error) {
    status.textContent = `This meeting could not be saved (${error.message}). Try again when you have a connection.`;
  } finally {
    button.disabled = !navigator.onLine;
  }
}

function panels() {
  document.querySelectorAll("[data-offline-panel]").forEach((panel) => {
    panel.hidden = false;
  });
  document.querySelectorAll("[data-offline-meeting]").forEach((box) => {
    parts(box).button.addEventListener("click", () => saveMeeting(box));
    show(box);
  });
  window.addEventListener("online", () => document.querySelectorAll("[data-offline-meeting]").forEach(show));
  window.addEventListener("offline", () => document.querySelectorAll("[data-offline-meeting]").forEach(show));
}

function offlineSignOutMessage() {
  const main = document.querySelector("main");
  if (!main) return;
  let box = document.getElementById("offline-sign-out");
  if (!box) {
    box = document.createElement("div");
    box.id = "offline-sign-out";
    box.className = "govuk-error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = "You're offline: you are not signed out yet";
    const text = document.createElement("p");
    text.className = "govuk-body";
    text.textContent =
      "The papers saved for you on this device have been removed. Sign out again when you " +
      "are back online.";
    box.append(title, text);
    main.prepend(box);
  }
  box.focus();
}

function signOutClears() {
  document.querySelectorAll(`form[action="${LOGOUT_PATH}"]`).forEach((form) => {
    form.addEventListener("submit", (event) => {
      const controller = navigator.serviceWorker.controller;
      if (controller) controller.postMessage({ type: "sign-out" });
      if (!navigator.onLine) {
        // Offline the sign-out cannot reach the server: say so on this page rather than
        // leave the member on the browser's error page, believing they are signed out.
        event.preventDefault();
        offlineSignOutMessage();
      }
    });
  });
  // The sign-in ended on its own (static/js/session-timeout.mjs says "You have been signed
  // out"): the worker asks the server who is signed in now and, nobody, deletes every private
  // copy. A few seconds later, so the server's session has certainly expired; offline the
  // check cannot run and the copies stay until the next page online, as before.
  document.addEventListener("portal:session-ended", () => {
    window.setTimeout(() => send({ type: "sync" }).catch(() => null), SESSION_END_SYNC_MS);
  });
}

async function start() {
  if (!supported) return;
  try {
    await navigator.serviceWorker.register(WORKER_URL, { scope: "/" });
  } catch (error) {
    return; // no worker (private browsing, a policy): the site works as before
  }
  signOutClears();
  panels();
  if (navigator.onLine) {
    const result = await send({ type: "sync" }).catch(() => null);
    if (result && result.checked) document.querySelectorAll("[data-offline-meeting]").forEach(show);
  }
  document.documentElement.dataset.offlineReady = "true";
}

start();
