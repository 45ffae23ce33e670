// The upload forms sent through the tus protocol (tus-js-client, served by the app from /assets/vendor/tus/):
// a youth's medium, a paper's scan. The file goes up in pieces, carries on where it stopped after the network
// drops, the phone sleeps or the tab is closed and opened again, and the page says where it starts again
// ("Reprise à 62 %"). The form's fields named in data-tus-fields go as the upload's metadata, checked by the
// server before any byte. Without this script (or without tus support) upload.js sends the media's form in
// one piece, and without any script every form is an ordinary form.
(function () {
  'use strict';
  var tus = window.tus;
  var forms = window.tremplinUploadForms;
  if (!forms || !tus || !tus.isSupported) return;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  // Long logbook texts do not fit in the upload's metadata (a request header): the form sends them.
  var METADATA_TEXT_MAX = 2000;
  var CHUNK_BYTES = 50 * 1000 * 1000;

  function say(template, percent) { return template.replace('{percent}', String(percent)); }
  function percentOf(sent, total) { return total ? Math.min(100, Math.floor((sent * 100) / total)) : 0; }

  forms.forEach(function (shared) {
    if (shared.parts.data.tusEndpoint) resumably(shared);
  });

  function resumably(shared) {
    var p = shared.parts;
    // Said at once, before upload.js runs (scripts with defer run in order): this one takes the form.
    p.form.setAttribute('data-tus-active', '');
    var names = (p.data.tusFields || '').split(' ').filter(Boolean);

    // What the form would send for a field: a ticked box or radio only, else the input's value.
    function field(name) {
      var inputs = p.form.querySelectorAll('[name="' + name + '"]');
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        if (input.type === 'checkbox' || input.type === 'radio') { if (input.checked) return input.value; } else return input.value;
      }
      return '';
    }

    p.form.addEventListener('submit', function (event) {
      var file = p.fileInput.files && p.fileInput.files[0];
      var metadata = { filename: file ? file.name : '', filetype: file ? file.type : '' };
      var tooLong = false;
      names.forEach(function (name) {
        var value = field(name);
        if (value.length > METADATA_TEXT_MAX) tooLong = true;
        if (value) metadata[name] = value;
      });
      // Nothing to resume (a text alone, a paper seen on the original) or too long a text: the ordinary form does it.
      if (!file || tooLong) return;
      event.preventDefault();
      shared.clearProblem();
      if (file.size > shared.limitFor(file)) return shared.showProblem(p.data.msgTooLarge, p.fileInput.name);

      var resuming = false;
      var lastPercent = 0;
      var location = null;
      var upload = new tus.Upload(file, {
        endpoint: p.data.tusEndpoint,
        chunkSize: Number(p.data.tusChunkBytes) || CHUNK_BYTES,
        // After a drop, tries again at once, then after 1, 3, 5, 10, 20 s and every 30 s for a while.
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 30000, 30000, 30000, 60000, 60000],
        headers: { 'X-CSRF-Token': token },
        metadata: metadata,
        // Remembered per account and per form: another youth on the same phone never picks up this one's upload.
        fingerprint: function (f) {
          return Promise.resolve(['tremplin', p.data.tusUser, p.data.tusEndpoint, f.name, f.type, f.size, f.lastModified].join('|'));
        },
        removeFingerprintOnSuccess: true,
        onAfterResponse: function (req, res) {
          var where = res.getHeader('X-Tremplin-Location');
          if (where) location = where;
        },
        onProgress: function (sent, total) {
          var percent = percentOf(sent, total);
          lastPercent = percent;
          p.bar.value = percent;
          p.text.textContent = say(resuming ? p.data.msgResuming : p.data.msgSending, percent);
          if (sent === total) {
            p.bar.removeAttribute('value');
            p.text.textContent = p.data.msgChecking;
          }
        },
        onShouldRetry: function (err) {
          var code = err.originalResponse ? err.originalResponse.getStatus() : 0;
          // 507: the server's disk is full and it kept nothing; trying again at once would not help.
          var retry = (code === 0 || code === 409 || code === 423 || (code >= 500 && code !== 507)) && navigator.onLine !== false;
          if (retry) resuming = true;
          return retry;
        },
        onSuccess: function () {
          go(location || p.data.tusDone);
        },
        onError: function (err) {
          var res = err.originalResponse;
          var code = res ? res.getStatus() : 0;
          if (!code) {
            // The network is gone: wait for it, then carry on from where the server says the file stands.
            resuming = true;
            p.text.textContent = say(p.data.msgOffline, lastPercent);
            whenNetworkMayBeBack(function () { upload.start(); });
            return;
          }
          // Refused for good (its type, a date, its size, the session): this upload will not be resumed.
          forget(upload);
          if (code === 401 || code === 403) return shared.showProblem(p.data.msgSession);
          var words = (res.getBody() || '').trim();
          if (code === 413) return shared.showProblem(p.data.msgTooLarge, p.fileInput.name);
          if (code === 422 && words) return shared.showProblem(words, res.getHeader('X-Tremplin-Field'));
          // A full disk: nothing of the file was kept, it is the file that could not be taken.
          if (code === 507 && words) return shared.showProblem(words, p.fileInput.name);
          shared.showProblem(p.data.msgServer);
        },
      });

      p.bar.value = 0;
      p.text.textContent = say(p.data.msgSending, 0);
      p.status.hidden = false;
      p.button.disabled = true;
      // An upload of the same file begun earlier (a closed tab, a phone that slept): carried on from there.
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          resuming = true;
          upload.resumeFromPreviousUpload(previous[0]);
        }
        upload.start();
      });
    });
  }

  // Where the finished upload went. The same page with another anchor (a paper's, on its youth's papers page)
  // would only scroll: it is loaded again, as the form's redirect would, at that anchor.
  function go(where) {
    var target = new URL(where, window.location.href);
    if (target.pathname !== window.location.pathname || target.search !== window.location.search) return window.location.assign(target.href);
    window.history.replaceState(null, '', target.href);
    window.location.reload();
  }

  // After a phone's sleep its network may come back without the browser ever saying it went (no 'online'
  // event: navigator.onLine stayed true while every retry failed). So the upload also carries on when the
  // page is seen again, and tries once a minute, whichever comes first.
  function whenNetworkMayBeBack(carryOn) {
    var done = false;
    var timer = setInterval(function () { if (navigator.onLine !== false) once(); }, 60000);
    function once() {
      if (done) return;
      done = true;
      clearInterval(timer);
      window.removeEventListener('online', once);
      document.removeEventListener('visibilitychange', seen);
      carryOn();
    }
    function seen() { if (document.visibilityState === 'visible' && navigator.onLine !== false) once(); }
    window.addEventListener('online', once);
    document.addEventListener('visibilitychange', seen);
  }

  function forget(upload) {
    upload.findPreviousUploads().then(function (previous) {
      previous.forEach(function (prev) { upload.options.urlStorage.removeUpload(prev.urlStorageKey); });
    });
  }
})();
