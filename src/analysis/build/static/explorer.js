/* The explorer of the index page (no framework, no request outside the millésime's folder):
   the key figure of the map of France, and the search over territories and établissements
   (an ARIA combobox: arrows, Enter, Escape). The search file is a script loaded on first focus. */
(function () {
  'use strict';
  var conf = JSON.parse(document.getElementById('explorateur-donnees').textContent);
  var LIMIT = 20;

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c];
    });
  }
  function plural(n, one, many) { return n + ' ' + (n > 1 ? many : one); }

  /* ---------------------------------------------------------------- the map of France */
  var select = document.getElementById('explorateur-chiffre');
  var svg = document.querySelector('.carte-france');

  function paint(n) {
    var fig = conf.figures[n];
    document.getElementById('carte-chiffre').textContent = fig.titre;
    svg.querySelectorAll('path[data-code]').forEach(function (path) {
      var code = path.getAttribute('data-code'), cell = fig.valeurs[code];
      if (!cell) { return; }
      path.setAttribute('fill', cell[0]);
      var holder = path.parentNode, text = holder.querySelector('text');
      if (text) { text.setAttribute('fill', cell[3]); }
      var title = holder.querySelector('title');
      var name = title.textContent.split(' : ')[0];
      var label = name + ' : ' + cell[1] + (cell[2] ? ' (' + cell[2] + ')' : '');
      title.textContent = label;
      if (holder.tagName.toLowerCase() === 'a') { holder.setAttribute('aria-label', label); }
    });
    var items = fig.legende.slice().reverse().concat(fig.manquants).map(function (item) {
      return '<li><svg class="pastille" viewBox="0 0 20 14" aria-hidden="true"><rect width="20" height="14" fill="' +
        esc(item[1]) + '"/></svg>' + esc(item[0]) + ' (' + plural(item[2], 'département', 'départements') + ')</li>';
    });
    document.getElementById('carte-legende').innerHTML = '<ul class="legende">' + items.join('') +
      '</ul><p class="nc-note">' + (fig.nc ? esc('Non-réponse des départements : ' + fig.nc) : '') + '</p>';
  }
  if (select && svg) {
    select.addEventListener('change', function () { paint(+select.value); });
  }

  /* ---------------------------------------------------------------- the search */
  var input = document.getElementById('explorateur-recherche');
  var list = document.getElementById('explorateur-resultats');
  var statusLine = document.getElementById('explorateur-statut');
  var state = 'idle', shown = [], active = -1;
  var terr = [], keys = [], rows = [], depLabels = {}, depHrefs = {};

  function norm(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  }

  function prepare(data) {
    depHrefs = data.editionsDepartement || {};
    terr = data.territoires.map(function (t) {
      if (t[1].indexOf('departement:') === 0) { depLabels[t[1].slice(12)] = t[0]; }
      return {key: ' ' + norm(t[0] + ' ' + t[1]) + ' ', label: t[0], href: t[2], detail: 'Édition ' + data.annee};
    });
    var lines = data.etablissements ? data.etablissements.split('\n') : [];
    rows = new Array(lines.length);
    keys = new Array(lines.length);
    for (var i = 0; i < lines.length; i++) {
      var f = lines[i].split('\t');
      rows[i] = f;
      keys[i] = ' ' + norm(f[1] + ' ' + f[2] + ' ' + f[0]) + ' ';
    }
    state = 'ready';
  }

  function load() {
    if (state !== 'idle') { return; }
    state = 'loading';
    statusLine.textContent = 'Chargement de la liste des établissements…';
    window.explorateurRecherche = function (data) {
      prepare(data);
      statusLine.textContent = '';
      if (input.value.trim()) { search(); }
    };
    var script = document.createElement('script');
    script.src = conf.recherche;
    script.onerror = function () {
      state = 'failed';
      statusLine.textContent = 'La liste de recherche est introuvable (' + conf.recherche + ').';
    };
    document.head.appendChild(script);
  }

  function etablissement(f) {
    var type = conf.types[f[3]] || 'établissement', where = type + ' · ' + f[2] + ' · UAI ' + f[0];
    if (f[5] === '1') {
      return {label: f[1], href: conf.fiche.replace('{uai}', f[0]), detail: where + ' — fiche de l’établissement'};
    }
    var dep = depHrefs[f[4]];
    if (dep) {
      return {label: f[1], href: dep,
              detail: where + ' — pas de fiche : ouvre l’édition ' + (depLabels[f[4]] || f[4])};
    }
    return {label: f[1], href: '', detail: where + ' — aucune page construite'};
  }

  function search() {
    var toks = norm(input.value).split(' ').filter(Boolean);
    if (!toks.length || state !== 'ready') { close(); statusLine.textContent = state === 'loading' ?
      'Chargement de la liste des établissements…' : ''; return; }
    var nt = toks.length, first = [], second = [], found = [], total = 0, i, j, key, ok;
    var uai = toks.length === 1 ? toks[0].toUpperCase() : null;
    for (i = 0; i < terr.length; i++) {
      key = terr[i].key; ok = true;
      for (j = 0; j < nt; j++) { if (key.indexOf(' ' + toks[j]) < 0) { ok = false; break; } }
      if (ok) { total++; if (found.length < LIMIT) { found.push(terr[i]); } }
    }
    var head = ' ' + toks[0];
    for (i = 0; i < keys.length; i++) {
      key = keys[i]; ok = true;
      for (j = 0; j < nt; j++) { if (key.indexOf(' ' + toks[j]) < 0) { ok = false; break; } }
      if (!ok) { continue; }
      total++;
      if (rows[i][0] === uai || key.lastIndexOf(head, 0) === 0) {
        if (rows[i][0] === uai) { first.unshift(i); } else if (first.length < LIMIT) { first.push(i); }
      } else if (second.length < LIMIT) { second.push(i); }
    }
    shown = found.concat(first.concat(second).map(function (k) { return etablissement(rows[k]); })).slice(0, LIMIT);
    render(total);
  }

  function render(total) {
    active = -1;
    input.removeAttribute('aria-activedescendant');
    list.innerHTML = shown.map(function (r, n) {
      return '<li role="option" id="explorateur-option-' + n + '" aria-selected="false"' +
        (r.href ? '' : ' aria-disabled="true"') + '><span class="nom">' + esc(r.label) +
        '</span><span class="detail">' + esc(r.detail) + '</span></li>';
    }).join('');
    var open = shown.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    statusLine.textContent = total === 0 ? 'Aucun résultat.' : plural(total, 'résultat', 'résultats') +
      (total > shown.length ? ', les ' + shown.length + ' premiers affichés.' : '.');
  }

  function close() {
    list.hidden = true;
    list.innerHTML = '';
    shown = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function move(to) {
    if (!shown.length) { return; }
    if (active >= 0) { list.children[active].setAttribute('aria-selected', 'false'); }
    active = (to + shown.length) % shown.length;
    var option = list.children[active];
    option.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({block: 'nearest'});
  }

  function open(n) {
    var r = shown[n];
    if (r && r.href) { window.location.href = r.href; }
  }

  if (input) {
    input.addEventListener('focus', load);
    input.addEventListener('input', search);
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') {
        if (list.hidden && input.value.trim()) { search(); }
        move(active + 1); ev.preventDefault();
      } else if (ev.key === 'ArrowUp') {
        move(active - 1); ev.preventDefault();
      } else if (ev.key === 'Enter') {
        if (shown.length) { open(active >= 0 ? active : 0); ev.preventDefault(); }
      } else if (ev.key === 'Escape') {
        if (!list.hidden) { close(); } else { input.value = ''; statusLine.textContent = ''; }
        ev.preventDefault();
      }
    });
    input.addEventListener('blur', function () { window.setTimeout(close, 150); });
    list.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
    list.addEventListener('click', function (ev) {
      var li = ev.target.closest('li[role="option"]');
      if (li) { open(+li.id.split('-').pop()); }
    });
  }
})();
