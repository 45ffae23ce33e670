// The form for several scans of one youth, made shorter once files are picked: one slot per file picked,
// each naming its file, and only the dates of the papers chosen. A file over the size limit, or more files
// than slots, is said before anything is sent. Without this script the form works as it is rendered.
(function () {
  'use strict';
  var form = document.querySelector('form[data-scans]');
  if (!form) return;
  var input = form.querySelector('input[type="file"]');
  var slots = Array.prototype.slice.call(form.querySelectorAll('[data-slot]'));
  var blocks = Array.prototype.slice.call(form.querySelectorAll('.scan-dates[data-kind]'));
  var problem = form.querySelector('[data-scans-problem]');
  var problemText = form.querySelector('[data-scans-problem-text]');
  var maxBytes = Number(form.dataset.maxBytes);

  function picked() {
    return input.files ? Array.prototype.slice.call(input.files) : [];
  }

  function show() {
    var files = picked();
    var chosen = {};
    slots.forEach(function (slot, i) {
      var file = files[i];
      // Before any file is picked every slot shows, as without the script.
      slot.hidden = files.length > 0 && !file;
      slot.querySelector('[data-file-name]').textContent = file ? '— ' + file.name : '';
      var kind = slot.querySelector('select').value;
      if (kind && !slot.hidden) chosen[kind] = true;
    });
    blocks.forEach(function (block) {
      block.hidden = files.length > 0 && !chosen[block.dataset.kind];
    });
  }

  function say(message) {
    problemText.textContent = message;
    problem.hidden = false;
    problem.focus();
  }

  input.addEventListener('change', show);
  form.addEventListener('change', function (event) {
    if (event.target.tagName === 'SELECT') show();
  });
  form.addEventListener('submit', function (event) {
    var files = picked();
    problem.hidden = true;
    var big = files.filter(function (f) { return f.size > maxBytes; });
    if (big.length) {
      event.preventDefault();
      say(form.dataset.msgTooLarge + ' ' + big.map(function (f) { return f.name; }).join(', '));
    } else if (files.length > slots.length) {
      event.preventDefault();
      say(form.dataset.msgTooMany);
    }
  });
  show();
})();
