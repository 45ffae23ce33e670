// A youth opens the code page from the QR code's link, which carries the code. The form now holds it, so
// it leaves the address bar and the browser's history, where the next person on the phone would find it.
// In a file rather than inline because the Content-Security-Policy allows no inline script.
(function () {
  'use strict';
  if (!window.history || !window.history.replaceState || !/[?&]code=/.test(window.location.search)) return;
  window.history.replaceState(null, '', window.location.pathname);
})();
