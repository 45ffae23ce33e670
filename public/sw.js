/*
 * Tremplin's service worker: the app's own assets for reading without network, and two kinds of personal
 * pages only — the registers a worker keeps for a room without network, and the emergency sheet the adults
 * carry during the stay. A page is kept when its address is on the list below AND its answer says the
 * server allows it for this user (X-Tremplin-Keep-Until, src/http/offline.ts); no other page is kept, however
 * it was reached. A register sent without network waits in IndexedDB (offline-queue.js) and is sent when
 * the network is back.
 */
'use strict';
importScripts('/assets/offline-queue.js');

var VERSION = 'v1';
var ASSETS = 'tremplin-assets-' + VERSION;
var PRECACHE = [
  '/assets/app.css', '/assets/icons.svg', '/assets/favicon.svg', '/assets/offline.js', '/assets/offline-queue.js',
  '/assets/offline.html', '/assets/icon-192.png',
];
// The personal pages that may be kept: a session's page (its register) and a group's emergency sheet.
var KEPT_PAGES = [/^\/groups\/\d+\/meetings\/\d+$/, /^\/groups\/\d+\/stay\/sheet$/];
var REGISTER_POST = /^(\/groups\/\d+\/meetings\/\d+)\/register$/;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(PRECACHE); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf('tremplin-assets-') === 0 && n !== ASSETS; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

var kept = function (path) { return KEPT_PAGES.some(function (p) { return p.test(path); }); };

/**
 * Every answer names whose session it came from: when that is someone else (or nobody, after signing out or
 * when the session ended), the pages kept for anyone else go at once.
 */
function learnUser(response) {
  var user = response.headers.get('X-Tremplin-User');
  if (!user) return Promise.resolve(null);
  var current = user === 'none' ? null : user;
  return TremplinQueue.getUser().then(function (before) {
    return (before === current ? Promise.resolve() : TremplinQueue.setUser(current)).then(function () {
      return TremplinQueue.dropPagesExcept(current);
    });
  }).then(function () { return current; });
}

function offlinePage() {
  return caches.match('/assets/offline.html').then(function (r) {
    return r || new Response('Hors ligne / Offline', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  });
}

/** A page: from the network, kept when allowed; without network, the kept copy or the offline page. */
function page(request, path) {
  return fetch(request).then(function (response) {
    return learnUser(response).then(function (user) {
      if (!kept(path)) return response;
      return TremplinQueue.keepPage(path, response.clone(), user).then(function () { return response; });
    });
  }, function () {
    return TremplinQueue.getUser().then(function (user) {
      return kept(path) ? TremplinQueue.keptPage(path, user) : null;
    }).then(function (copy) { return copy || offlinePage(); });
  });
}

/** Assets: the kept copy at once, refreshed in the background (a new release arrives on the next visit). */
function asset(request) {
  return caches.open(ASSETS).then(function (c) {
    return c.match(request).then(function (copy) {
      var fresh = fetch(request).then(function (r) {
        if (r.ok) c.put(request, r.clone());
        return r;
      });
      if (!copy) return fresh;
      fresh.catch(function () { return null; });
      return copy;
    });
  });
}

/** A register sent: to the server when it answers; without network, kept to send later, and its page shown. */
function sendRegister(request, sessionPath) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return Promise.all([copy.formData(), TremplinQueue.getUser()]).then(function (got) {
      var fields = [];
      got[0].forEach(function (value, name) { fields.push([name, String(value)]); });
      var token = (fields.filter(function (f) { return f[0] === 'submissionToken'; })[0] || [])[1] || crypto.randomUUID();
      return TremplinQueue.enqueue({
        token: token, userId: got[1], url: new URL(request.url).pathname, page: sessionPath, fields: fields,
        state: 'pending', createdAt: Date.now(),
      });
    }).then(function () {
      if (self.registration.sync) self.registration.sync.register('tremplin-queue').catch(function () { return null; });
      return Response.redirect(sessionPath, 303);
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var register = REGISTER_POST.exec(url.pathname);
  if (request.method === 'POST' && request.mode === 'navigate' && register) return event.respondWith(sendRegister(request, register[1]));
  if (request.method !== 'GET') return;
  if (url.pathname.indexOf('/assets/') === 0) return event.respondWith(asset(request));
  if (request.mode === 'navigate') return event.respondWith(page(request, url.search ? '' : url.pathname));
});

/** What a page asks: keep these registers (the sessions page), or send what waits (Background Sync, below). */
self.addEventListener('message', function (event) {
  var data = event.data || {};
  if (data.type === 'keep' && Array.isArray(data.paths)) {
    // Each answer says whose session it is, and the page is kept only if the server allows it for that user.
    event.waitUntil(Promise.all(data.paths.filter(kept).map(function (path) {
      return fetch(path, { credentials: 'same-origin' }).then(function (r) {
        return learnUser(r).then(function (user) { return TremplinQueue.keepPage(path, r, user); });
      }, function () { return false; });
    })).then(function (done) {
      if (event.source) event.source.postMessage({ type: 'kept', paths: data.paths, done: done || [] });
    }));
  }
});

self.addEventListener('sync', function (event) {
  if (event.tag !== 'tremplin-queue') return;
  event.waitUntil(TremplinQueue.getUser().then(function (user) { return user ? TremplinQueue.flush(user) : null; }));
});
