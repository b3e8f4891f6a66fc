// The portal's service worker (issue 23, "Offline papers"; docs/meetings.md, "Saved meetings offline").
//
// Served from the site root as /sw.js by scrutiny.offline, so it controls every page.
// It keeps nothing on its own: a meeting is saved only when someone presses "Save for
// offline" (static/js/offline.mjs sends {type: "save"}), and then only the addresses the
// server's plan lists for that person (meetings.packs.offline):
//
// - a signed-in member's copies go to "offline-private-<user>", a cache named by the opaque
//   key the server gave for them; the public's go to "offline-public", and for the public a
//   response marked Cache-Control private or no-store is never kept, whatever the plan says;
// - every copy carries X-Offline-Saved-At; each saved meeting has a record at
//   /offline/saved/<meeting> (its version, date and addresses) that pages read to say
//   "Saved on …" or "A newer version is available";
// - pages ask the network first; only when the network fails is a saved copy served, a page
//   with the banner "Saved on <date>, you're offline";
// - {type: "sync"}, sent by every page that loads online: the worker asks the server
//   (/offline/check/) which saved private addresses the signed-in user may still read, and
//   deletes every other private cache and every address not allowed (a membership that
//   ended, another user signed in, nobody signed in);
// - {type: "sign-out"}, sent when the sign-out button is pressed: every private cache is
//   deleted (the sign-out response's Clear-Site-Data then clears the rest).
"use strict";

const PUBLIC_CACHE = "offline-public";
const PRIVATE_PREFIX = "offline-private-";
const OUR_PREFIX = "offline-";
const SAVED_PREFIX = "/offline/saved/";
const PLAN_PREFIX = "/offline/meetings/";
const CHECK_URL = "/offline/check/";
const SAVED_AT = "X-Offline-Saved-At";
// Never saved, so never looked for: the worker leaves these requests alone.
const PASS_THROUGH = ["/sw.js", "/offline/", "/accounts/", "/officer/", "/django-admin/", "/api/"];

// Whether anything is saved on this device: while nothing is, requests are not touched.
let haveSaved = null;
const known = refreshHaveSaved();

async function ourCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(OUR_PREFIX));
}

async function privateCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PRIVATE_PREFIX));
}

async function refreshHaveSaved() {
  haveSaved = (await ourCaches()).length > 0;
  return haveSaved;
}

function isPrivate(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return /(^|[\s,])(private|no-store)([\s,=]|$)/.test(control);
}

function path(url) {
  return new URL(url, self.location.origin).pathname;
}

async function withSavedAt(response, savedAt) {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, savedAt);
  headers.delete("Content-Length");
  return new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

// The site's own stylesheets, scripts and icons a saved page links to.
function staticAssets(html) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/static\/[^"?#]+)"/g)) {
    found.add(match[1]);
  }
  return [...found];
}

async function save(planUrl) {
  if (typeof planUrl !== "string" || !planUrl.startsWith(PLAN_PREFIX)) {
    throw new Error("not a meeting's plan");
  }
  const answer = await fetch(planUrl, { credentials: "same-origin", cache: "no-store" });
  if (!answer.ok) throw new Error(`the server answered ${answer.status}`);
  const plan = await answer.json();
  if (plan.user !== null && !/^[0-9a-f]{8,64}$/.test(String(plan.user))) {
    throw new Error("an unexpected answer from the server");
  }
  const signedIn = plan.user !== null;
  const savedAt = new Date().toISOString();
  const target = await caches.open(signedIn ? PRIVATE_PREFIX + plan.user : PUBLIC_CACHE);
  const shared = await caches.open(PUBLIC_CACHE);
  const saved = [];
  const refused = [];
  const assets = new Set();
  for (const entry of plan.urls) {
    const url = new URL(entry.url, self.location.origin);
    if (url.origin !== self.location.origin) {
      refused.push(entry.url);
      continue;
    }
    let response;
    try {
      response = await fetch(url.pathname, {
        credentials: "same-origin",
        cache: "no-store",
        redirect: "error",
      });
    } catch (error) {
      refused.push(url.pathname);
      continue;
    }
    // The public never keeps anything private, even if a plan listed it.
    if (response.status !== 200 || (!signedIn && isPrivate(response))) {
      refused.push(url.pathname);
      continue;
    }
    if ((response.headers.get("Content-Type") || "").startsWith("text/html")) {
      staticAssets(await response.clone().text()).forEach((asset) => assets.add(asset));
    }
    await target.put(url.pathname, await withSavedAt(response, savedAt));
    saved.push({ url: url.pathname, members: signedIn && Boolean(entry.members) });
  }
  for (const asset of assets) {
    try {
      const response = await fetch(asset, { credentials: "same-origin" });
      if (response.status !== 200) continue;
      // Static files are public; should one come back private, it stays with the user.
      if (isPrivate(response)) {
        if (signedIn) await target.put(asset, response);
      } else {
        await shared.put(asset, response);
      }
    } catch (error) {
      // A missing stylesheet only makes the saved page plainer.
    }
  }
  const record = {
    meeting: plan.meeting,
    title: plan.title,
    version: plan.version,
    savedAt,
    urls: saved,
  };
  await target.put(
    SAVED_PREFIX + plan.meeting,
    new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }),
  );
  haveSaved = true;
  return { record, refused };
}

async function deletePrivate() {
  await Promise.all((await privateCaches()).map((name) => caches.delete(name)));
  await refreshHaveSaved();
}

// Ask the server which saved private addresses the signed-in user may still read.
async function sync() {
  const names = await privateCaches();
  if (names.length === 0) return { checked: false };
  const entries = [];
  const records = [];
  for (const name of names) {
    const cache = await caches.open(name);
    const members = new Map();
    for (const request of await cache.keys()) {
      const where = path(request.url);
      if (where.startsWith(SAVED_PREFIX)) {
        const record = await (await cache.match(request)).json();
        records.push([name, request, record]);
        record.urls.forEach((u) => members.set(u.url, members.get(u.url) || u.members));
      }
    }
    for (const request of await cache.keys()) {
      const where = path(request.url);
      if (where.startsWith(SAVED_PREFIX) || where.startsWith("/static/")) continue;
      // An address no record explains is checked as members-only (the strictest).
      entries.push({ name, where, members: members.has(where) ? members.get(where) : true });
    }
  }
  const query = new URLSearchParams();
  entries.forEach((e) => query.append(e.members ? "m" : "u", e.where));
  let answer;
  try {
    const response = await fetch(`${CHECK_URL}?${query}`, {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) return { checked: false };
    answer = await response.json();
  } catch (error) {
    return { checked: false }; // offline: keep everything until the server can be asked
  }
  const keep = answer.user ? PRIVATE_PREFIX + answer.user : null;
  const readable = new Set(answer.readable);
  const removed = [];
  for (const name of names) {
    if (name !== keep) {
      await caches.delete(name);
      removed.push(name);
      continue;
    }
    const cache = await caches.open(name);
    for (const entry of entries.filter((e) => e.name === name)) {
      if (!readable.has(entry.where)) {
        await cache.delete(entry.where);
        removed.push(entry.where);
      }
    }
    for (const [cacheName, request, record] of records) {
      if (cacheName !== name) continue;
      const kept = record.urls.filter((u) => readable.has(u.url));
      if (kept.length === 0) {
        await cache.delete(request);
      } else if (kept.length !== record.urls.length) {
        record.urls = kept;
        await cache.put(
          request,
          new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }),
        );
      }
    }
  }
  await refreshHaveSaved();
  return { checked: true, removed };
}

async function findSaved(request) {
  const where = path(request.url);
  // The signed-in member's copy before the public one.
  const names = (await ourCaches()).sort(
    (a, b) => Number(b.startsWith(PRIVATE_PREFIX)) - Number(a.startsWith(PRIVATE_PREFIX)),
  );
  for (const name of names) {
    const hit = await (await caches.open(name)).match(where, { ignoreVary: true });
    if (hit) return hit;
  }
  return null;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function savedOn(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "an earlier visit";
  return when.toLocaleString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

function banner(text) {
  return (
    '<div class="govuk-notification-banner portal-offline-banner" role="region" ' +
    'aria-labelledby="offline-banner-title" data-offline-banner>' +
    '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" ' +
    'id="offline-banner-title">Offline</h2></div><div class="govuk-notification-banner__content">' +
    `<p class="govuk-notification-banner__heading">${escapeHtml(text)}</p></div></div>`
  );
}

async function withBanner(response) {
  const html = await response.text();
  const text = `Saved on ${savedOn(response.headers.get(SAVED_AT))}, you're offline`;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(html.replace(/(<main\b[^>]*>)/, (open) => open + banner(text)), {
    status: 200,
    headers,
  });
}

async function notSavedPage() {
  const records = [];
  for (const name of await ourCaches()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (path(request.url).startsWith(SAVED_PREFIX)) {
        records.push(await (await cache.match(request)).json());
      }
    }
  }
  const list = records
    .map((r) => {
      const page = r.urls.length ? r.urls[0].url : "/";
      return `<li><a class="govuk-link" href="${escapeHtml(page)}">${escapeHtml(r.title)}</a></li>`;
    })
    .join("");
  const css = (await findSaved(new Request("/static/build/portal.css")))
    ? '<link rel="stylesheet" href="/static/build/portal.css">'
    : "";
  const body =
    '<!DOCTYPE html><html lang="en-GB" class="govuk-template"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>You're offline</title>${css}</head><body class="govuk-template__body">` +
    '<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">' +
    '<h1 class="govuk-heading-l">You\'re offline</h1>' +
    '<p class="govuk-body">This page was not saved on this device.</p>' +
    (list
      ? `<h2 class="govuk-heading-m">Meetings saved on this device</h2><ul class="govuk-list">${list}</ul>`
      : "") +
    "</main></div></body></html>";
  return new Response(body, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'self'; script-src 'none'",
      "Cache-Control": "no-store",
    },
  });
}

async function networkOrSaved(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await findSaved(request);
    if (saved === null) {
      if (request.mode === "navigate") return notSavedPage();
      throw error;
    }
    const html = (saved.headers.get("Content-Type") || "").startsWith("text/html");
    return request.mode === "navigate" && html ? withBanner(saved) : saved;
  }
}

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || haveSaved === false) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PASS_THROUGH.some((prefix) => url.pathname.startsWith(prefix))) return;
  event.respondWith(networkOrSaved(request));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  let work;
  if (data.type === "save") {
    work = save(data.plan).then(
      (result) => reply({ ok: true, ...result }),
      (error) => reply({ ok: false, error: String(error.message || error) }),
    );
  } else if (data.type === "sync") {
    work = known.then(sync).then(reply, (error) => reply({ checked: false, error: String(error) }));
  } else if (data.type === "sign-out") {
    work = deletePrivate().then(() => reply({ ok: true }));
  } else {
    return;
  }
  event.waitUntil(work);
});
