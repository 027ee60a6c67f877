// kessai Hosted Page: progressive enhancement of the payment forms (/sessions/:id). The page works
// without this file — the server checks everything again and shows its errors next to the fields;
// this only formats the card number as it is typed and catches mistakes before a form is sent:
// card number (digits, length, Luhn), expiry (MM/YY, not past), CVV (3 or 4 digits; 4 for American
// Express), katakana names. Served from this server (the page's CSP allows scripts from 'self' only),
// no inline code, no dependencies. The messages come localized from the form's data-messages.
(function () {
  'use strict';

  function digits(value) {
    return value.replace(/\D/g, '');
  }

  function luhn(number) {
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var digit = number.charCodeAt(number.length - 1 - i) - 48;
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    return sum % 10 === 0;
  }

  function isAmex(number) {
    return /^3[47]/.test(number);
  }

  // The brand of the number typed so far: its logo marked, the others faded (kessai.css).
  function markBrand(form, number) {
    var section = form.closest('section');
    var logos = section ? section.querySelectorAll('[data-card-brands] img[data-prefix]') : [];
    var found = false;
    logos.forEach(function (logo) {
      var match = number.length > 0 && !found && new RegExp(logo.getAttribute('data-prefix')).test(number);
      if (match) found = true;
      if (match) logo.setAttribute('data-match', '');
      else logo.removeAttribute('data-match');
    });
    if (section) section.querySelectorAll('[data-card-brands]').forEach(function (list) {
      if (found) list.setAttribute('data-detected', '');
      else list.removeAttribute('data-detected');
    });
  }

  // 4-4-4-4(-3) for most cards, 4-6-5 for American Express, as printed on the card.
  function formatNumber(value) {
    var d = digits(value).slice(0, 19);
    var groups = isAmex(d) ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var out = [];
    var at = 0;
    for (var g = 0; g < groups.length && at < d.length; g++) {
      out.push(d.slice(at, at + groups[g]));
      at += groups[g];
    }
    return out.join(' ');
  }

  function formatExpiry(value, deleting) {
    var d = digits(value).slice(0, 4);
    if (d.length === 1 && d > '1') d = '0' + d;
    if (d.length >= 3 || (d.length === 2 && !deleting)) return d.slice(0, 2) + '/' + d.slice(2);
    return d;
  }

  var KATAKANA = /^[\u30A1-\u30FA\u30FB\u30FC \u3000]+$/;

  function problem(input, form) {
    var value = input.value.trim();
    var kind = input.getAttribute('data-check');
    if (value === '') return input.required ? 'required' : null;
    if (kind === 'card_number') {
      var n = digits(value);
      return n.length >= 12 && n.length <= 19 && luhn(n) ? null : 'invalid';
    }
    if (kind === 'card_expiry') {
      var m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(value);
      if (!m) return 'invalid';
      var month = Number(m[1]);
      var year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
      var now = new Date();
      if (month < 1 || month > 12) return 'invalid';
      return year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1 ? 'invalid' : null;
    }
    if (kind === 'card_cvc') {
      var numberInput = form.querySelector('[data-check="card_number"]');
      var amex = numberInput && isAmex(digits(numberInput.value));
      return (amex ? /^\d{4}$/ : /^\d{3,4}$/).test(value) ? null : 'invalid';
    }
    if (kind === 'kana') return KATAKANA.test(value) ? null : 'invalid';
    if (input.type === 'email') return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'invalid';
    return null;
  }

  function fieldName(input) {
    var kind = input.getAttribute('data-check');
    if (kind === 'card_number') return 'number';
    if (kind === 'card_expiry') return 'expiry';
    if (kind === 'card_cvc') return 'verification_value';
    return input.name;
  }

  function show(input, message) {
    var id = input.id + '-error';
    var old = document.getElementById(id);
    if (old && old.hasAttribute('data-client')) old.remove();
    if (!message) {
      if (!old || old.hasAttribute('data-client')) {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
      return;
    }
    var small = document.createElement('small');
    small.className = 'error';
    small.id = id;
    small.setAttribute('role', 'alert');
    small.setAttribute('data-client', '');
    small.setAttribute('data-error', fieldName(input));
    small.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    input.insertAdjacentElement('afterend', small);
  }

  function messagesOf(form) {
    try {
      return JSON.parse(form.getAttribute('data-messages') || '{}');
    } catch (e) {
      return {};
    }
  }

  function check(form, input) {
    var result = problem(input, form);
    var messages = messagesOf(form);
    show(input, result ? messages[fieldName(input)] || messages.generic || ' ' : null);
    return !result;
  }

  // Back to this page from the browser's history: its buttons may be pressed again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('button[data-sent]').forEach(function (button) {
      button.removeAttribute('data-sent');
    });
  });

  document.querySelectorAll('form[data-form]').forEach(function (form) {
    var inputs = form.querySelectorAll('input[data-check], input[required], input[type="email"]');
    form.querySelectorAll('[data-check="card_number"]').forEach(function (input) {
      input.setAttribute('autocomplete', 'cc-number');
      input.addEventListener('input', function () {
        input.value = formatNumber(input.value);
        markBrand(form, digits(input.value));
      });
    });
    form.querySelectorAll('[data-check="card_expiry"]').forEach(function (input) {
      input.setAttribute('inputmode', 'numeric');
      input.setAttribute('maxlength', '7');
      input.addEventListener('input', function (event) {
        input.value = formatExpiry(input.value, event.inputType === 'deleteContentBackward');
      });
    });
    form.querySelectorAll('[data-check="card_cvc"]').forEach(function (input) {
      input.setAttribute('maxlength', '4');
    });
    inputs.forEach(function (input) {
      if (input.type === 'radio' || input.type === 'checkbox') return;
      input.addEventListener('blur', function () {
        if (input.value.trim() !== '') check(form, input);
      });
    });
    form.addEventListener('submit', function (event) {
      var first = null;
      inputs.forEach(function (input) {
        if (input.type === 'radio' || input.type === 'checkbox') return;
        if (!check(form, input) && !first) first = input;
      });
      if (first) {
        event.preventDefault();
        first.focus();
        return;
      }
      // One submission per form: a double click must not send two payments.
      var button = form.querySelector('button[type="submit"]');
      if (button) {
        if (button.getAttribute('data-sent')) event.preventDefault();
        button.setAttribute('data-sent', '1');
      }
    });
  });
})();
