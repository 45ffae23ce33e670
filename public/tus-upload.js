// The upload form sent through the tus protocol (tus-js-client, served by the app from /assets/vendor/tus/):
// the file goes up in pieces, carries on where it stopped after the network drops, the phone sleeps or the
// tab is closed and opened again, and the page says where it starts again ("Reprise à 62 %"). Without this
// script (or without tus support) upload.js sends the form in one piece, and without any script the form is
// an ordinary form.
(function () {
  'use strict';
  var shared = window.tremplinUploadForm;
  var tus = window.tus;
  if (!shared || !shared.parts.data.tusEndpoint || !tus || !tus.isSupported) return;
  var p = shared.parts;
  // Said at once, before upload.js runs (scripts with defer run in order): this one takes the form.
  p.form.setAttribute('data-tus-active', '');
  var showProblem = shared.showProblem;
  var limitFor = shared.limitFor;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  // Long logbook texts do not fit in the upload's metadata (a request header): the form sends them.
  var METADATA_TEXT_MAX = 2000;
  var CHUNK_BYTES = 50 * 1000 * 1000;

  function say(template, percent) { return template.replace('{percent}', String(percent)); }
  function percentOf(sent, total) { return total ? Math.min(100, Math.floor((sent * 100) / total)) : 0; }

  function field(name) {
    var checked = p.form.querySelector('[name="' + name + '"]:checked');
    var input = checked || p.form.querySelector('[name="' + name + '"]:not([type="radio"])');
    return input ? input.value : '';
  }

  p.form.addEventListener('submit', function (event) {
    var file = p.fileInput.files && p.fileInput.files[0];
    var body = field('body');
    // Nothing to resume (a text alone) or too long a text: the ordinary form does it.
    if (!file || body.length > METADATA_TEXT_MAX) return;
    event.preventDefault();
    p.problem.hidden = true;
    if (file.size > limitFor(file)) return showProblem(p.data.msgTooLarge);

    var resuming = false;
    var lastPercent = 0;
    var location = null;
    var upload = new tus.Upload(file, {
      endpoint: p.data.tusEndpoint,
      chunkSize: CHUNK_BYTES,
      // After a drop, tries again at once, then after 1, 3, 5, 10, 20 s and every 30 s for a while.
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 30000, 30000, 30000, 60000, 60000],
      headers: { 'X-CSRF-Token': token },
      metadata: { filename: file.name, filetype: file.type, moment: field('moment'), caption: field('caption'), body: body },
      // Remembered per account: another youth on the same phone never picks up this one's upload.
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
        window.location.assign(location || p.data.tusDone);
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
        // Refused for good (its type, its size, the session): this upload will not be resumed.
        forget(upload);
        if (code === 401 || code === 403) return showProblem(p.data.msgSession);
        var words = (res.getBody() || '').trim();
        showProblem(code === 413 ? p.data.msgTooLarge : (code === 422 || code === 507) && words ? words : p.data.msgServer);
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

  // After a phone's sleep its network may come back without the browser ever saying it went (no 'online'
  // event: navigator.onLine stayed true while every retry failed). So the upload also carries on when the
  // page is seen again, and tries once a minute, whichever comes first.
  function whenNetworkMayBeBack(go) {
    var done = false;
    var timer = setInterval(function () { if (navigator.onLine !== false) once(); }, 60000);
    function once() {
      if (done) return;
      done = true;
      clearInterval(timer);
      window.removeEventListener('online', once);
      document.removeEventListener('visibilitychange', seen);
      go();
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
