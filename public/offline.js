/*
 * The pages' side of working without network (the service worker is /sw.js): installs it, shows what waits
 * on the phone to be sent ("En attente d'envoi (2)"), sends it when the network is back, hands the sessions
 * page's registers to the worker to keep, and wipes this user's pages and queue at sign-out.
 */
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.TremplinQueue) return;
  var Q = window.TremplinQueue;
  var banner = document.getElementById('offline-banner');
  var user = banner ? banner.dataset.user : '';
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : '';
  };
  var say = function (key, n) { return banner.dataset[key].replace('{{n}}', String(n)); };

  navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' }).catch(function () { return null; });

  /** A register the server did not take as it was: sent again as a real form, so its page (the conflict) shows. */
  function seeForm(item) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = item.url;
    item.fields.forEach(function (f) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = f[0];
      input.value = f[0] === '_csrf' ? csrf() : f[1];
      form.appendChild(input);
    });
    var button = document.createElement('button');
    button.type = 'submit';
    button.className = 'button small';
    button.textContent = banner.dataset.see;
    form.appendChild(button);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      Q.remove(item.token).then(function () { form.submit(); });
    });
    return form;
  }

  function line(text) {
    var p = document.createElement('p');
    p.textContent = text;
    return p;
  }

  function showBanner() {
    if (!banner) return Promise.resolve();
    // Signed out: whatever waits is someone's who must sign in again to send it.
    return Q.waiting(user || undefined).then(function (list) {
      banner.replaceChildren();
      var toSend = list.filter(function (i) { return i.state === 'pending'; });
      var blocked = list.filter(function (i) { return i.state === 'signIn' || (!user && i.state === 'pending'); });
      var problems = user ? list.filter(function (i) { return i.state === 'conflict' || i.state === 'refused'; }) : [];
      if (user && toSend.length) banner.appendChild(line(say('waiting', toSend.length)));
      if (blocked.length) banner.appendChild(line(say('signIn', blocked.length)));
      problems.forEach(function (item) {
        var p = line(banner.dataset.problem + ' ');
        p.appendChild(seeForm(item));
        banner.appendChild(p);
      });
      if (!navigator.onLine) banner.appendChild(line(banner.dataset.noNetwork));
      banner.hidden = !banner.childElementCount;
    });
  }

  function sendWaiting() {
    if (!user || !navigator.onLine) return showBanner();
    return Q.flush(user, csrf()).then(showBanner, showBanner);
  }

  // A register kept before its session's day: on the day, on the phone's calendar, its form shows (the
  // server refuses it before the day anyway). Before, the page says when the register is taken.
  var register = document.querySelector('form[data-register-opens]');
  if (register) {
    var d = new Date();
    var day = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
    if (day >= register.dataset.registerOpens) {
      register.hidden = false;
      var notYet = document.querySelector('[data-register-not-yet]');
      if (notYet) notYet.hidden = true;
    }
  }

  // The sessions page: the registers to keep on the phone, fetched by the worker in the background.
  var keep = document.querySelector('[data-offline-keep]');
  if (keep && user && navigator.onLine) {
    navigator.serviceWorker.ready.then(function (reg) {
      reg.active.postMessage({ type: 'keep', paths: keep.dataset.offlineKeep.split(' ') });
    });
  }

  // Sign-out: this user's kept pages and queue go first (the worker also drops them on the next answer).
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      Q.waiting(user).then(function (list) {
        var unsent = list.filter(function (i) { return i.state === 'pending' || i.state === 'signIn'; }).length;
        if (unsent && !window.confirm(say('signOutLoses', unsent))) return null;
        return Q.wipe(user).catch(function () { return null; }).then(function () { form.submit(); });
      });
    });
  });

  // The offline page: the pages this phone keeps for the signed-in user, to open without network.
  var list = document.getElementById('kept-pages');
  if (list) {
    Q.getUser().then(function (id) {
      return id ? caches.open('tremplin-pages-' + id).then(function (c) { return c.keys(); }) : [];
    }).then(function (requests) {
      return Promise.all(requests.map(function (r) {
        return caches.match(r).then(function (res) { return res.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var crumb = doc.querySelector('.breadcrumb a[href^="/groups/"]');
          var li = document.createElement('li');
          var a = document.createElement('a');
          a.href = new URL(r.url).pathname;
          a.textContent = doc.title.replace(/ · Tremplin$/, '') + (crumb ? ' — ' + crumb.textContent : '');
          li.appendChild(a);
          list.appendChild(li);
        });
      }));
    }).then(function () { list.closest('section').hidden = !list.childElementCount; });
  }

  // A register waiting to be sent, opened again from the phone's copy: shown as it was taken, not as kept.
  var register = document.querySelector('form.register');
  if (register && user) {
    var action = new URL(register.action).pathname;
    Q.waiting(user).then(function (list) {
      var item = list.filter(function (i) { return i.url === action && i.state === 'pending'; }).pop();
      if (!item) return;
      item.fields.forEach(function (f) {
        if (f[0] === 'submissionToken') register.elements.submissionToken.value = f[1];
        var radio = register.querySelector('input[type="radio"][name="' + f[0] + '"][value="' + f[1] + '"]');
        if (radio) radio.checked = true;
      });
    });
  }

  window.addEventListener('online', sendWaiting);
  window.addEventListener('offline', showBanner);
  navigator.serviceWorker.addEventListener('message', function (e) {
    if (e.data && e.data.type === 'sent') showBanner();
  });
  sendWaiting();
})();
