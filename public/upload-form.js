// What both ways of sending an upload form share (upload.js in one piece, tus-upload.js resumably): its
// parts, the size a file may have, and how a problem is said. A page may hold several (one per paper).
(function () {
  'use strict';

  function uploadForm(form) {
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
    var marked = [];

    // The message on its field, as the server's page would put it, when the answer names one and the form says
    // how to point to it (data-msg-not-saved); true when it is there.
    function markField(name, message) {
      var input = name && parts.data.msgNotSaved && form.querySelector('[name="' + name + '"]');
      var box = input && input.closest('.field, fieldset');
      if (!box) return false;
      var line = document.createElement('p');
      line.className = 'error';
      line.id = (input.id || name) + '-upload-error';
      line.textContent = message;
      box.classList.add('field-error');
      box.insertBefore(line, input.closest('label.choice') || input);
      input.setAttribute('aria-invalid', 'true');
      var described = input.getAttribute('aria-describedby');
      input.setAttribute('aria-describedby', (described ? described + ' ' : '') + line.id);
      marked.push({ box: box, line: line, input: input, described: described });
      return true;
    }

    return {
      parts: parts,
      showProblem: function (message, field) {
        parts.status.hidden = true;
        var onField = markField(field, message);
        // Said once: on its field, the line by the button pointing to it.
        problemText.textContent = onField ? parts.data.msgNotSaved : message;
        parts.problem.hidden = false;
        parts.button.disabled = false;
        parts.problem.focus();
      },
      // Before another try: the messages of the last one go.
      clearProblem: function () {
        parts.problem.hidden = true;
        marked.splice(0).forEach(function (m) {
          m.line.remove();
          m.box.classList.remove('field-error');
          m.input.removeAttribute('aria-invalid');
          if (m.described) m.input.setAttribute('aria-describedby', m.described);
          else m.input.removeAttribute('aria-describedby');
        });
      },
      // Only a first guess, from the browser's word: the server decides from the file's content.
      limitFor: function (file) {
        if (parts.data.maxBytes) return Number(parts.data.maxBytes);
        if (/^image\//.test(file.type)) return Number(parts.data.maxPhoto);
        if (file.type === 'application/pdf') return Number(parts.data.maxDocument);
        return Number(parts.data.maxVideo);
      },
    };
  }

  window.tremplinUploadForms = Array.prototype.map.call(document.querySelectorAll('form[data-upload]'), uploadForm);
})();
