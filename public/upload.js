// The upload form, sent in the background so a progress bar can show how far a big video has gone, and a
// plain sentence can say what went wrong. Without this script the form still works as an ordinary form.
(function () {
  'use strict';
  // The media's form, whose route answers a background post with where the medium is (a paper's form has no such answer).
  var shared = (window.tremplinUploadForms || []).filter(function (f) { return f.parts.form.hasAttribute('data-upload-answers-json'); })[0];
  // tus-upload.js took the form (resumable uploads); this is for a browser without it.
  if (!shared || shared.parts.form.hasAttribute('data-tus-active') || !window.XMLHttpRequest || !window.FormData) return;
  var form = shared.parts.form;
  var fileInput = shared.parts.fileInput;
  var status = shared.parts.status;
  var bar = shared.parts.bar;
  var text = shared.parts.text;
  var problem = shared.parts.problem;
  var button = shared.parts.button;
  var data = shared.parts.data;
  var showProblem = function (message) { shared.showProblem(message); };
  var limitFor = shared.limitFor;

  // The server answers a refused form with the form again and its messages: show those.
  function messagesOf(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var found = [];
    doc.querySelectorAll('.field-error .error, .upload-form .error, main > .flash-alert').forEach(function (node) {
      var words = node.textContent.replace(/\s+/g, ' ').trim();
      if (words && found.indexOf(words) === -1) found.push(words);
    });
    return found.join(' ');
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    problem.hidden = true;
    var file = fileInput.files && fileInput.files[0];
    if (file && file.size > limitFor(file)) {
      showProblem(data.msgTooLarge);
      return;
    }
    // The text fields first and the file last, so the server reads them even if it stops at the file.
    var body = new FormData();
    new FormData(form).forEach(function (value, key) {
      if (key !== fileInput.name) body.append(key, value);
    });
    if (file) body.append(fileInput.name, file, file.name);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.min(100, Math.floor((e.loaded * 100) / e.total));
      bar.value = percent;
      text.textContent = data.msgSending.replace('{percent}', String(percent));
    });
    xhr.upload.addEventListener('load', function () {
      bar.removeAttribute('value'); // the server is checking the file: no more percentage to show
      text.textContent = data.msgChecking;
    });
    xhr.addEventListener('load', function () {
      var landedOn = xhr.responseURL ? new URL(xhr.responseURL).pathname : '';
      if (xhr.status === 201) {
        var answer = JSON.parse(xhr.responseText);
        window.location.assign(answer.location);
      } else if (xhr.status === 413 || xhr.status === 422) {
        showProblem(messagesOf(xhr.responseText) || data.msgServer);
      } else if (xhr.status === 401 || xhr.status === 403 || landedOn === '/login') {
        showProblem(data.msgSession);
      } else {
        showProblem(data.msgServer);
      }
    });
    xhr.addEventListener('error', function () { showProblem(data.msgNetwork); });
    xhr.addEventListener('abort', function () { showProblem(data.msgNetwork); });

    bar.value = 0;
    text.textContent = data.msgSending.replace('{percent}', '0');
    status.hidden = false;
    button.disabled = true;
    xhr.send(body);
  });
})();
