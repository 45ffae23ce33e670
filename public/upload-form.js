// What both ways of sending the upload form share (upload.js in one piece, tus-upload.js resumably): its
// parts, the size a file may have, and how a problem is said.
(function () {
  'use strict';
  var form = document.querySelector('form[data-upload]');
  if (!form) return;
  var status = form.querySelector('[data-upload-status]');
  var problem = form.querySelector('[data-upload-problem]');
  var parts = {
    form: form,
    data: form.dataset,
    fileInput: form.querySelector('input[type="file"]'),
    status: status,
    bar: status.querySelector('progress'),
    text: status.querySelector('[data-upload-text]'),
    problem: problem,
    button: form.querySelector('button[type="submit"]'),
  };
  var problemText = problem.querySelector('[data-upload-problem-text]');

  window.tremplinUploadForm = {
    parts: parts,
    showProblem: function (message) {
      parts.status.hidden = true;
      problemText.textContent = message;
      parts.problem.hidden = false;
      parts.button.disabled = false;
      parts.problem.focus();
    },
    // Only a first guess, from the browser's word: the server decides from the file's content.
    limitFor: function (file) {
      if (/^image\//.test(file.type)) return Number(parts.data.maxPhoto);
      if (file.type === 'application/pdf') return Number(parts.data.maxDocument);
      return Number(parts.data.maxVideo);
    },
  };
})();
