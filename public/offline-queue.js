/*
 * What waits on the phone without network, shared by the pages (offline.js) and the service worker (sw.js):
 * the registers sent while offline, kept in IndexedDB until the network is back, and the cache of the pages
 * kept for reading offline. One signed-in user's pages per cache, named after them, so that two people on
 * one phone never read each other's.
 */
(function (scope) {
  'use strict';
  var DB = 'tremplin-offline';
  var PAGES = 'tremplin-pages-';

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore('queue', { keyPath: 'token' });
        req.result.createObjectStore('meta', { keyPath: 'key' });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function inStore(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        Promise.resolve(work(tx.objectStore(store))).then(function (r) { result = r; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var items = function () { return inStore('queue', 'readonly', function (s) { return request(s.getAll()); }); };
  var save = function (item) { return inStore('queue', 'readwrite', function (s) { s.put(item); }); };
  var remove = function (token) { return inStore('queue', 'readwrite', function (s) { s.delete(token); }); };

  /** The items of one user still to send or to look at (a conflict, a refusal), oldest first. */
  function waiting(userId) {
    return items().then(function (all) {
      return all.filter(function (i) { return i.state !== 'sent' && (userId === undefined || i.userId === userId); })
        .sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  /**
   * Keeps a form sent without network. Its once-per-form token is its key: the same form sent again before
   * the network came back replaces the first (a corrected register); a form whose token was already sent
   * (its page kept from before) gets a new token, or the server would take it for a replay and drop it.
   */
  function enqueue(item) {
    return items().then(function (all) {
      var same = all.filter(function (i) { return i.token === item.token; })[0];
      if (same && same.state === 'sent') item.token = crypto.randomUUID();
      item.fields = item.fields.map(function (f) { return f[0] === 'submissionToken' ? [f[0], item.token] : f; });
      // Old sent tokens are kept two days only, the server's own keeping of form tokens.
      var old = Date.now() - 2 * 24 * 3600 * 1000;
      return Promise.all(all.filter(function (i) { return i.state === 'sent' && i.createdAt < old; }).map(function (i) { return remove(i.token); }))
        .then(function () { return save(item); });
    });
  }

  function getUser() {
    return inStore('meta', 'readonly', function (s) { return request(s.get('user')); }).then(function (r) { return r ? r.value : null; });
  }
  function setUser(userId) { return inStore('meta', 'readwrite', function (s) { s.put({ key: 'user', value: userId }); }); }

  /** Drops the kept pages of everyone but `userId` (of everyone when null: nobody is signed in). */
  function dropPagesExcept(userId) {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(PAGES) === 0 && n !== PAGES + userId; })
        .map(function (n) { return caches.delete(n); }));
    });
  }

  /** Sign-out: this user's kept pages and what they left waiting go. */
  function wipe(userId) {
    return Promise.all([
      caches.delete(PAGES + userId),
      items().then(function (all) {
        return Promise.all(all.filter(function (i) { return i.userId === userId; }).map(function (i) { return remove(i.token); }));
      }),
      setUser(null),
    ]);
  }

  /** The last day a response may be read offline, when the server allowed it to be kept for this user. */
  function keptUntil(response, userId) {
    if (!response || response.status !== 200 || !userId) return null;
    if (response.headers.get('X-Tremplin-User') !== userId) return null;
    return response.headers.get('X-Tremplin-Keep-Until');
  }

  function keepPage(path, response, userId) {
    if (!keptUntil(response, userId)) return Promise.resolve(false);
    return caches.open(PAGES + userId).then(function (c) { return c.put(path, response); }).then(function () { return true; });
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }

  /** A kept page, or null; one kept past its last day (the emergency sheet after the return) is dropped. */
  function keptPage(path, userId) {
    if (!userId) return Promise.resolve(null);
    return caches.open(PAGES + userId).then(function (c) {
      return c.match(path).then(function (r) {
        if (!r) return null;
        var until = r.headers.get('X-Tremplin-Keep-Until');
        if (!until || until < today()) return c.delete(path).then(function () { return null; });
        return r;
      });
    });
  }

  /**
   * Sends one waiting register and says how it went: 'sent' (the server answered with the register's page),
   * 'signIn' (the session ended, or is someone else's: it waits for its user to sign in again), 'conflict'
   * (someone else took the register meanwhile), 'refused' (the server said no: its page says why), 'pending'
   * (to send again from a page) or 'offline' (still no network). `csrf`, from the page sending it, replaces
   * the form's token: one of the same session keeps working, but after signing in again only a fresh one passes.
   */
  function send(item, csrf) {
    var body = new URLSearchParams(item.fields);
    if (csrf) body.set('_csrf', csrf);
    return fetch(item.url, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (res) {
      var landed = new URL(res.url).pathname;
      if (res.headers.get('X-Tremplin-User') !== item.userId) return 'signIn';
      if (res.ok && res.redirected && landed === item.page) {
        // The answer is the register as now saved, with a new form token: the copy kept for offline.
        return keepPage(item.page, res, item.userId).then(function () { return 'sent'; });
      }
      if (res.status === 409) return 'conflict';
      // Without a fresh token (the service worker sending, after signing in again), it waits for a page to send it.
      if (res.status === 403 && !csrf) return 'pending';
      return 'refused';
    }, function () { return 'offline'; });
  }

  /** Sends what waits for `userId`, one at a time, never two senders at once (the page and the worker). */
  function flush(userId, csrf) {
    var run = function () {
      return waiting(userId).then(function (list) {
        var todo = list.filter(function (i) { return i.state === 'pending' || i.state === 'signIn'; });
        var next = function (k) {
          if (k >= todo.length) return null;
          var item = todo[k];
          return send(item, csrf).then(function (outcome) {
            if (outcome === 'offline') return null;
            item.state = outcome;
            // A sent register keeps only its token (to know it was sent), not its answers.
            if (outcome === 'sent') item.fields = [];
            return save(item).then(function () { return next(k + 1); });
          });
        };
        return next(0);
      });
    };
    if (scope.navigator && navigator.locks) return navigator.locks.request('tremplin-offline-queue', run);
    return run();
  }

  scope.TremplinQueue = {
    enqueue: enqueue, waiting: waiting, remove: remove, flush: flush, wipe: wipe,
    getUser: getUser, setUser: setUser, dropPagesExcept: dropPagesExcept, keepPage: keepPage, keptPage: keptPage,
  };
})(self);
