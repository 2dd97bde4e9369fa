// The demo shop's sign-in page: its words in English and Dutch, and its four views (create an
// account, connect a phone, sign in, the approval) over the demo's JSON API. Plain ES module, no
// build step; the server serves it at /demo/demo.js next to index.html and demo.css.

// ---------------------------------------------------------------------------------------------
// The words. Every string a visitor can see or hear is here; error codes from the API are looked
// up as `error.<code>`, and the server's English message is shown only for a code we do not know.

const catalogues = {
  en: {
    'shop.name': 'Demo shop',
    'shop.banner': 'A pretend shop for trying sign-in approvals with Tessera. Nothing here is for sale.',
    skip: 'Skip to the content',
    'language.label': 'Language',
    'language.en': 'English',
    'language.nl': 'Nederlands',
    'nav.label': 'Account',
    'nav.signIn': 'Sign in',
    'nav.signUp': 'Create account',
    'nav.enroll': 'Connect a phone',

    'field.username': 'Username',
    'field.username.hint': '3 to 32 characters: lowercase letters, digits, dots, underscores and hyphens.',
    'field.password': 'Password',
    'field.password.hint': 'At least 8 characters.',

    'signUp.title': 'Create an account',
    'signUp.intro':
      'Choose a username and a password. Then connect Tessera on your phone, and sign in by approving on the phone.',
    'signUp.submit': 'Create account',
    'signUp.haveAccount': 'Already have an account?',
    'signUp.toSignIn': 'Sign in',

    'enroll.title': 'Connect your phone',
    'enroll.created': 'Your account {username} is ready. Now connect Tessera, so that you can approve sign-ins on your phone.',
    'enroll.intro': 'Which account should Tessera approve sign-ins for?',
    'enroll.submit': 'Show the code',
    'enroll.step1': 'Open Tessera on your phone and tap Add.',
    'enroll.step2': 'Scan this code, or paste the link below.',
    'enroll.step3': 'Confirm Demo shop in Tessera, then come back here and sign in.',
    'enroll.qrAlt': 'QR code that connects Tessera to {username} at Demo shop',
    'enroll.linkLabel': 'Enrollment link',
    'enroll.copy': 'Copy link',
    'enroll.copied': 'Link copied.',
    'enroll.copyFailed': 'Could not copy: select the link and copy it yourself.',
    'enroll.open': 'Open in Tessera on this device',
    'enroll.expiry': 'This code works once, until {time} ({left} left).',
    'enroll.lapsed': 'This code has lapsed: a code works for 10 minutes. Make a new one to connect your phone.',
    'enroll.renew': 'Make a new code',
    'enroll.done': 'Done: sign in',

    'signIn.title': 'Sign in',
    'signIn.submit': 'Sign in',
    'signIn.new': 'New here?',
    'signIn.toSignUp': 'Create an account',
    'signIn.connect': 'Connect a phone',
    'signIn.or': 'or',
    'signIn.withTessera': 'Sign in with Tessera',
    'signIn.withTessera.hint': 'Only your username: your phone asks you to unlock it and type the number.',
    'signIn.usernameFirst': 'Enter your username first.',

    'waiting.title': 'Approve on your phone',
    'waiting.prompt': 'Open Tessera and enter {number}',
    'waiting.check': 'Tessera shows who is asking and from where. Approve only if this is you, signing in right now.',
    'waiting.left': 'Expires in {left}',
    'waiting.ending': 'Expiring…',
    'waiting.reconnecting': 'Lost touch with the shop’s server; trying again…',
    'waiting.cancel': 'Cancel',

    'result.signedIn.title': 'Welcome to Demo shop',
    'result.signedIn.message': 'Signed in as {username}',
    'result.signedIn.hint': 'You approved the sign-in in Tessera.',
    'result.signOut': 'Sign out',
    'result.again': 'Start again',
    'result.refused.title': 'Sign-in refused',
    'result.refused.message': 'The sign-in was refused.',
    'result.refused.hint': 'Start again to try once more.',
    'result.declined.message': 'The sign-in was declined in Tessera.',
    'result.declined.hint': 'Nobody was signed in. If you declined by mistake, start again.',
    'result.wrong_number.message':
      'The number entered in Tessera did not match, so this sign-in is refused for good.',
    'result.wrong_number.hint': 'Start again for a new number, and enter exactly the number this page shows.',
    'result.not_me.message': 'Someone answered “This wasn’t me” in Tessera.',
    'result.not_me.hint': 'Sign-in approvals for this account are paused for a while. Try again later.',
    'result.not_me.hintUntil': 'Sign-in approvals for this account are paused. Try again after {time} ({relative}).',
    'result.superseded.message': 'A newer sign-in for this account replaced this one.',
    'result.superseded.hint': 'Use the page that shows the newest number, or start again.',
    'result.expired.title': 'Sign-in expired',
    'result.expired.message': 'Nobody answered on the phone in time.',
    'result.expired.hint': 'Start again for a new number.',
    'result.lost.title': 'Sign-in not found',

    'error.invalid_username':
      'Choose a username of 3 to 32 characters: lowercase letters, digits, dots, underscores and hyphens.',
    'error.weak_password': 'Choose a password of at least 8 characters.',
    'error.username_taken': 'That username is taken. Choose another one, or sign in.',
    'error.wrong_password': 'The username or password is not right.',
    'error.no_device': 'No phone is connected to this account yet. Connect one first, then sign in.',
    'error.account_muted':
      'Sign-in approvals for this account are paused, because a sign-in was reported as “This wasn’t me”. Try again after {time} ({relative}).',
    'error.account_muted.later':
      'Sign-in approvals for this account are paused, because a sign-in was reported as “This wasn’t me”. Try again later.',
    'error.too_many_attempts': 'Too many attempts. Try again after {time} ({relative}).',
    'error.too_many_attempts.later': 'Too many attempts. Try again later.',
    'error.unknown_sign_in': 'The shop no longer knows this sign-in.',
    'error.internal': 'The shop’s server could not finish this; nothing was changed. Try again.',
    'error.network': 'The shop’s server cannot be reached. Check your connection and try again.',
    'error.unknown': 'Something went wrong (error {status}). Try again.',
  },
  nl: {
    'shop.name': 'Demowinkel',
    'shop.banner': 'Een nepwinkel om inlogbevestigingen met Tessera uit te proberen. Hier is niets te koop.',
    skip: 'Naar de inhoud',
    'language.label': 'Taal',
    'language.en': 'English',
    'language.nl': 'Nederlands',
    'nav.label': 'Account',
    'nav.signIn': 'Inloggen',
    'nav.signUp': 'Account maken',
    'nav.enroll': 'Telefoon koppelen',

    'field.username': 'Gebruikersnaam',
    'field.username.hint': '3 tot 32 tekens: kleine letters, cijfers, punten, liggende streepjes en koppeltekens.',
    'field.password': 'Wachtwoord',
    'field.password.hint': 'Minstens 8 tekens.',

    'signUp.title': 'Account maken',
    'signUp.intro':
      'Kies een gebruikersnaam en een wachtwoord. Koppel daarna Tessera op je telefoon, en log in door op je telefoon te bevestigen.',
    'signUp.submit': 'Account maken',
    'signUp.haveAccount': 'Heb je al een account?',
    'signUp.toSignIn': 'Inloggen',

    'enroll.title': 'Telefoon koppelen',
    'enroll.created': 'Je account {username} is klaar. Koppel nu Tessera, zodat je inloggen op je telefoon kunt bevestigen.',
    'enroll.intro': 'Voor welk account moet Tessera het inloggen bevestigen?',
    'enroll.submit': 'Code tonen',
    'enroll.step1': 'Open Tessera op je telefoon en tik op Toevoegen.',
    'enroll.step2': 'Scan deze code, of plak de link hieronder.',
    'enroll.step3': 'Bevestig Demowinkel in Tessera, kom dan hier terug en log in.',
    'enroll.qrAlt': 'QR-code die Tessera koppelt aan {username} bij Demowinkel',
    'enroll.linkLabel': 'Koppellink',
    'enroll.copy': 'Link kopiëren',
    'enroll.copied': 'Link gekopieerd.',
    'enroll.copyFailed': 'Kopiëren lukte niet: selecteer de link en kopieer hem zelf.',
    'enroll.open': 'Openen in Tessera op dit apparaat',
    'enroll.expiry': 'Deze code werkt één keer, tot {time} (nog {left}).',
    'enroll.lapsed': 'Deze code is verlopen: een code werkt 10 minuten. Maak een nieuwe om je telefoon te koppelen.',
    'enroll.renew': 'Nieuwe code maken',
    'enroll.done': 'Klaar: inloggen',

    'signIn.title': 'Inloggen',
    'signIn.submit': 'Inloggen',
    'signIn.new': 'Nieuw hier?',
    'signIn.toSignUp': 'Account maken',
    'signIn.connect': 'Telefoon koppelen',
    'signIn.or': 'of',
    'signIn.withTessera': 'Inloggen met Tessera',
    'signIn.withTessera.hint': 'Alleen je gebruikersnaam: je telefoon vraagt je hem te ontgrendelen en het getal te typen.',
    'signIn.usernameFirst': 'Vul eerst je gebruikersnaam in.',

    'waiting.title': 'Bevestig op je telefoon',
    'waiting.prompt': 'Open Tessera en vul {number} in',
    'waiting.check': 'Tessera laat zien wie er vraagt en vanaf waar. Bevestig alleen als jij dit bent en nu inlogt.',
    'waiting.left': 'Verloopt over {left}',
    'waiting.ending': 'Verloopt nu…',
    'waiting.reconnecting': 'Geen contact met de server van de winkel; we proberen het opnieuw…',
    'waiting.cancel': 'Annuleren',

    'result.signedIn.title': 'Welkom bij Demowinkel',
    'result.signedIn.message': 'Ingelogd als {username}',
    'result.signedIn.hint': 'Je hebt het inloggen in Tessera bevestigd.',
    'result.signOut': 'Uitloggen',
    'result.again': 'Opnieuw beginnen',
    'result.refused.title': 'Inloggen geweigerd',
    'result.refused.message': 'Het inloggen is geweigerd.',
    'result.refused.hint': 'Begin opnieuw om het nog eens te proberen.',
    'result.declined.message': 'Het inloggen is in Tessera afgewezen.',
    'result.declined.hint': 'Er is niemand ingelogd. Per ongeluk afgewezen? Begin dan opnieuw.',
    'result.wrong_number.message':
      'Het getal dat in Tessera is ingevuld klopte niet, dus dit inloggen is definitief geweigerd.',
    'result.wrong_number.hint': 'Begin opnieuw voor een nieuw getal, en vul precies het getal in dat deze pagina toont.',
    'result.not_me.message': 'Iemand heeft in Tessera ‘Dit was ik niet’ gekozen.',
    'result.not_me.hint': 'Inlogbevestigingen voor dit account staan een tijdje stil. Probeer het later opnieuw.',
    'result.not_me.hintUntil':
      'Inlogbevestigingen voor dit account staan stil. Probeer het opnieuw na {time} ({relative}).',
    'result.superseded.message': 'Een nieuwere inlogpoging voor dit account heeft deze vervangen.',
    'result.superseded.hint': 'Gebruik de pagina met het nieuwste getal, of begin opnieuw.',
    'result.expired.title': 'Inloggen verlopen',
    'result.expired.message': 'Er is niet op tijd geantwoord op de telefoon.',
    'result.expired.hint': 'Begin opnieuw voor een nieuw getal.',
    'result.lost.title': 'Inlogpoging niet gevonden',

    'error.invalid_username':
      'Kies een gebruikersnaam van 3 tot 32 tekens: kleine letters, cijfers, punten, liggende streepjes en koppeltekens.',
    'error.weak_password': 'Kies een wachtwoord van minstens 8 tekens.',
    'error.username_taken': 'Die gebruikersnaam is al bezet. Kies een andere, of log in.',
    'error.wrong_password': 'De gebruikersnaam of het wachtwoord klopt niet.',
    'error.no_device': 'Er is nog geen telefoon aan dit account gekoppeld. Koppel er eerst een en log dan in.',
    'error.account_muted':
      'Inlogbevestigingen voor dit account staan stil, omdat een inlogpoging is gemeld met ‘Dit was ik niet’. Probeer het opnieuw na {time} ({relative}).',
    'error.account_muted.later':
      'Inlogbevestigingen voor dit account staan stil, omdat een inlogpoging is gemeld met ‘Dit was ik niet’. Probeer het later opnieuw.',
    'error.too_many_attempts': 'Te veel pogingen. Probeer het opnieuw na {time} ({relative}).',
    'error.too_many_attempts.later': 'Te veel pogingen. Probeer het later opnieuw.',
    'error.unknown_sign_in': 'De winkel kent deze inlogpoging niet meer.',
    'error.internal': 'De server van de winkel kon dit niet afmaken; er is niets veranderd. Probeer het opnieuw.',
    'error.network': 'De server van de winkel is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.',
    'error.unknown': 'Er ging iets mis (fout {status}). Probeer het opnieuw.',
  },
};

// ---------------------------------------------------------------------------------------------
// The language: the browser's, until the visitor picks one (remembered for this tab only).

const LANGUAGE_KEY = 'tessera-demo.language';
let language = initialLanguage();

function initialLanguage() {
  const chosen = remembered();
  if (chosen in catalogues) return chosen;
  return (navigator.language || 'en').toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

function remembered() {
  try {
    return sessionStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null; // storage blocked: the browser's language it is
  }
}

/** The message for `key` with `{name}` filled in; a parameter may be a function, called now. */
function t(key, params = {}) {
  const template = catalogues[language][key] ?? catalogues.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return String(typeof value === 'function' ? value() : value);
  });
}

/** Dates and numbers in the browser's regional form when it speaks the chosen language. */
function formatLocale() {
  const browser = navigator.language || language;
  return browser.toLowerCase().startsWith(language) ? browser : language;
}

// A message on screen is kept as {key, params} (or {text} for a server's own words), so that
// switching the language can say it again.
const said = new Map();

function textOf(message) {
  return 'text' in message ? message.text : t(message.key, message.params);
}

/** Shows `message` in `element` (its text, or the attribute named), or clears it when null. */
function say(element, message, attribute = null) {
  if (message) said.set(element, { message, attribute });
  else said.delete(element);
  const value = message ? textOf(message) : '';
  if (attribute) element.setAttribute(attribute, value);
  else element.textContent = value;
}

function applyLanguage() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = t(element.dataset.text);
  }
  for (const element of document.querySelectorAll('[data-label]')) {
    element.setAttribute('aria-label', t(element.dataset.label));
  }
  for (const [element, { message, attribute }] of said) say(element, message, attribute);
  for (const button of document.querySelectorAll('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
  updateTitle();
}

function chooseLanguage(chosen) {
  language = chosen;
  try {
    sessionStorage.setItem(LANGUAGE_KEY, chosen);
  } catch {
    // not remembered; the page still switches
  }
  applyLanguage();
}

// ---------------------------------------------------------------------------------------------
// Time. Expiry times come from the server's clock; the Date header of each answer tells how far
// this device's clock is off, so a countdown is right even on a phone whose clock is not.

let clockOffset = 0;

function noteServerClock(response) {
  const date = Date.parse(response.headers.get('date') ?? '');
  if (Number.isNaN(date)) return;
  const offset = date + 500 - Date.now(); // the header has whole seconds
  clockOffset = Math.abs(offset) > 2000 ? offset : 0;
}

function serverNow() {
  return Date.now() + clockOffset;
}

/** `at` (this device's clock, ms) as a time of day: "14:35", or "2:35 PM" where that is usual. */
function timeOfDay(at) {
  return new Intl.DateTimeFormat(formatLocale(), { timeStyle: 'short' }).format(at);
}

/** How far off `at` (this device's clock, ms) is: "in 5 minutes". */
function fromNow(at) {
  const seconds = Math.max(1, Math.ceil((at - Date.now()) / 1000));
  const format = new Intl.RelativeTimeFormat(formatLocale(), { numeric: 'auto' });
  if (seconds < 60) return format.format(seconds, 'second');
  if (seconds < 3600) return format.format(Math.ceil(seconds / 60), 'minute');
  return format.format(Math.ceil(seconds / 3600), 'hour');
}

/** A span of seconds as "9:41". */
function minutesAndSeconds(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Parameters that name a moment, formatted each time they are said (in the language then). */
function moment(at) {
  return { time: () => timeOfDay(at), relative: () => fromNow(at) };
}

// ---------------------------------------------------------------------------------------------
// The API, next to this script: /demo/api/.

const apiBase = new URL('api/', import.meta.url);

/** An answer that is not a success: `status` 0 when the server could not be reached. */
class ApiError extends Error {
  constructor(status, body = null, retryAfterHeader = null) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = typeof body?.error === 'string' ? body.error : null;
    this.serverMessage = typeof body?.message === 'string' ? body.message : null;
    const retryAfter = Number(body?.retry_after ?? retryAfterHeader);
    this.retryAfter = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  }
}

async function call(path, { body, signal } = {}) {
  let response;
  try {
    response = await fetch(new URL(path, apiBase), {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0);
  }
  noteServerClock(response);
  const data = await response.json().catch(() => null);
  if (!response.ok || data === null) {
    throw new ApiError(response.status, data, response.headers.get('retry-after'));
  }
  return data;
}

/** What to tell the visitor about a failed call. */
function errorMessage(error) {
  if (error.status === 0) return { key: 'error.network' };
  if (error.status === 429) {
    // Paused after "this wasn't me", or any other limit: both say when to try again.
    const key = error.code === 'account_muted' ? 'error.account_muted' : 'error.too_many_attempts';
    if (error.retryAfter === null) return { key: `${key}.later` };
    return { key, params: moment(Date.now() + error.retryAfter * 1000) };
  }
  if (error.code && `error.${error.code}` in catalogues.en) return { key: `error.${error.code}` };
  if (error.serverMessage) return { text: error.serverMessage };
  return { key: 'error.unknown', params: { status: error.status } };
}

/** The field a failed call is about, to mark and put the cursor in. */
function fieldOf(error) {
  if (error.code === 'invalid_username' || error.code === 'username_taken') return 'username';
  if (error.code === 'weak_password' || error.code === 'wrong_password') return 'password';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Views. The address's #fragment names the view, so Back and reloads do what they should.

const VIEWS = ['sign-up', 'sign-in', 'enroll', 'approval'];
const TITLES = {
  'sign-up': 'signUp.title',
  'sign-in': 'signIn.title',
  enroll: 'enroll.title',
  approval: 'waiting.title',
};
let currentView = null;
let focusOnArrival = null;

/** Goes to `view`, putting the focus on `focus` there (by default, its heading). */
function navigate(view, focus = null) {
  focusOnArrival = focus;
  if (location.hash === `#${view}`) route();
  else location.hash = view;
}

function route() {
  const wanted = location.hash.slice(1);
  if (wanted !== 'approval') approval.stop();
  if (!VIEWS.includes(wanted) || (wanted === 'approval' && !approval.active())) {
    history.replaceState(null, '', '#sign-up');
    show('sign-up', false);
    return;
  }
  show(wanted, currentView !== null);
}

function show(view, moveFocus) {
  currentView = view;
  for (const section of document.querySelectorAll('[data-view]')) {
    section.hidden = section.dataset.view !== view;
  }
  for (const link of document.querySelectorAll('[data-view-link]')) {
    if (link.dataset.viewLink === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'enroll') enroll.enter();
  updateTitle();
  const focus = focusOnArrival;
  focusOnArrival = null;
  if (focus) focus.focus();
  else if (moveFocus) focusHeading();
}

/** Puts keyboard and screen-reader focus on the visible heading of the current view. */
function focusHeading() {
  const section = document.querySelector(`[data-view="${currentView}"]`);
  const heading = [...section.querySelectorAll('h1')].find((h1) => h1.offsetParent !== null);
  heading?.focus();
}

function updateTitle() {
  const heading = currentView === 'approval' ? approval.titleKey() : TITLES[currentView];
  document.title = heading ? `${t(heading)} · ${t('shop.name')}` : t('shop.name');
}

// ---------------------------------------------------------------------------------------------
// Forms: one submit at a time, errors shown next to the button and tied to the field concerned.

function formOf(name) {
  return document.querySelector(`[data-form="${name}"]`);
}

function handleSubmit(form, submit) {
  let pending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (pending) return;
    pending = true;
    const button = form.querySelector('[type="submit"]');
    button.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    showFormError(form, null);
    try {
      await submit({
        username: form.elements.username.value.trim(),
        password: form.elements.password.value,
      });
    } catch (error) {
      showFormError(form, error);
    } finally {
      pending = false;
      button.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
  });
  for (const input of form.querySelectorAll('input')) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
}

function showFormError(form, error) {
  const text = form.querySelector('[data-error]');
  const box = form.querySelector('[data-error-box]') ?? text;
  for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  box.hidden = !error;
  say(text, error ? errorMessage(error) : null);
  const field = error && fieldOf(error);
  if (field) {
    const input = form.elements[field];
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// Create an account, then go straight on to connecting a phone.

handleSubmit(formOf('sign-up'), async (credentials) => {
  await call('sign-up', { body: credentials });
  formOf('sign-up').reset();
  await enroll.begin(credentials, { created: true });
});

// ---------------------------------------------------------------------------------------------
// Connect a phone: the QR code and link from the server, with a countdown until they lapse.

const enroll = (() => {
  const view = document.querySelector('[data-view="enroll"]');
  const form = formOf('enroll');
  const created = view.querySelector('[data-enroll-created]');
  const panel = view.querySelector('[data-enrollment]');
  const code = view.querySelector('[data-enroll-code]');
  const qr = view.querySelector('[data-enroll-qr]');
  const link = view.querySelector('[data-enroll-link]');
  const open = view.querySelector('[data-enroll-open]');
  const copied = view.querySelector('[data-enroll-copied]');
  const expiry = view.querySelector('[data-enroll-expiry]');
  const lapsed = view.querySelector('[data-enroll-lapsed]');
  const renewError = view.querySelector('[data-enroll-renew-error]');
  let shown = null; // { credentials, link, expiresAt (server clock, ms) }
  let ticker = null;

  async function start(credentials, { created: isNew = false } = {}) {
    const answer = await call('enroll', { body: credentials });
    shown = { credentials, link: answer.link, expiresAt: answer.expires_at * 1000 };
    say(created, isNew ? { key: 'enroll.created', params: { username: credentials.username } } : null);
    created.hidden = !isNew;
    qr.src = `data:image/png;base64,${answer.qr_png_base64}`;
    say(qr, { key: 'enroll.qrAlt', params: { username: credentials.username } }, 'alt');
    link.textContent = answer.link;
    open.href = answer.link;
    say(copied, null);
    say(renewError, null);
    renewError.hidden = true;
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    tick();
    render();
  }

  function tick() {
    if (!shown) return;
    const left = (shown.expiresAt - serverNow()) / 1000;
    const isLapsed = left <= 0;
    code.hidden = isLapsed;
    lapsed.hidden = !isLapsed;
    if (isLapsed) {
      clearInterval(ticker);
      say(expiry, null);
      return;
    }
    const until = shown.expiresAt - clockOffset;
    say(expiry, {
      key: 'enroll.expiry',
      params: { time: () => timeOfDay(until), left: minutesAndSeconds(left) },
    });
  }

  function render() {
    form.hidden = shown !== null;
    panel.hidden = shown === null;
  }

  function forget() {
    clearInterval(ticker);
    shown = null;
    say(created, null);
    created.hidden = true;
    render();
  }

  handleSubmit(form, async (credentials) => {
    await start(credentials);
    focusHeading();
  });

  /** Shows the view with a code for `credentials`; if none can be had, the form with the reason. */
  async function begin(credentials, options) {
    forget();
    navigate('enroll');
    try {
      await start(credentials, options);
    } catch (error) {
      form.elements.username.value = credentials.username;
      form.elements.password.value = credentials.password;
      showFormError(form, error);
    }
  }

  view.querySelector('[data-enroll-copy]').addEventListener('click', async () => {
    say(copied, { key: (await copy(shown?.link ?? '', link)) ? 'enroll.copied' : 'enroll.copyFailed' });
  });

  view.querySelector('[data-enroll-renew]').addEventListener('click', async () => {
    try {
      await start(shown.credentials);
      view.querySelector('[data-enroll-copy]').focus();
    } catch (error) {
      renewError.hidden = false;
      say(renewError, errorMessage(error));
    }
  });

  view.querySelector('[data-enroll-done]').addEventListener('click', () => {
    const { username } = shown?.credentials ?? {};
    forget();
    signIn.prefill(username);
    navigate('sign-in');
  });

  return {
    begin,
    /** On entering the view: a lapsed code is put away, and the form asks whose phone it is. */
    enter() {
      if (shown && shown.expiresAt <= serverNow()) forget();
      render();
    },
  };
})();

/**
 * Copies `text`. Where the Clipboard API is missing (plain http, off this machine), selects the
 * text where it is shown and copies that, leaving it selected for the visitor to copy by hand.
 */
async function copy(text, shownIn) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(shownIn);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in: the password first, then the approval on the phone.

const signIn = (() => {
  const form = formOf('sign-in');
  const connect = form.querySelector('[data-sign-in-connect]');
  let lastTried = null;

  handleSubmit(form, async (credentials) => {
    connect.hidden = true;
    lastTried = credentials;
    try {
      const answer = await call('sign-in', { body: credentials });
      form.elements.password.value = '';
      approval.start({
        id: answer.sign_in,
        number: answer.number,
        expiresAt: answer.expires_at * 1000,
        username: credentials.username,
      });
      navigate('approval');
    } catch (error) {
      connect.hidden = error.code !== 'no_device';
      throw error;
    }
  });

  connect.addEventListener('click', () => enroll.begin(lastTried));

  // Without a password: the phone must verify the user and the number is typed (the server
  // refuses anything less for such a sign-in).
  const withTessera = form.querySelector('[data-sign-in-tessera]');
  let asking = false;
  withTessera.addEventListener('click', async () => {
    if (asking) return;
    const username = form.elements.username.value.trim();
    connect.hidden = true;
    if (!username) {
      showFormError(form, null);
      const text = form.querySelector('[data-error]');
      form.querySelector('[data-error-box]').hidden = false;
      say(text, { key: 'signIn.usernameFirst' });
      form.elements.username.focus();
      return;
    }
    asking = true;
    withTessera.setAttribute('aria-disabled', 'true');
    showFormError(form, null);
    try {
      const answer = await call('sign-in-with-tessera', { body: { username } });
      form.elements.password.value = '';
      approval.start({
        id: answer.sign_in,
        number: answer.number,
        expiresAt: answer.expires_at * 1000,
        username,
      });
      navigate('approval');
    } catch (error) {
      // Connecting a phone needs the password, which this way does not ask for.
      showFormError(form, error);
    } finally {
      asking = false;
      withTessera.removeAttribute('aria-disabled');
    }
  });

  return {
    prefill(username) {
      if (username) form.elements.username.value = username;
      showFormError(form, null);
      connect.hidden = true;
    },
  };
})();

// ---------------------------------------------------------------------------------------------
// The approval: the number to enter on the phone, a countdown, and the server's long poll until
// the phone answers or the time is up.

const approval = (() => {
  const view = document.querySelector('[data-view="approval"]');
  const waiting = view.querySelector('[data-waiting]');
  const result = view.querySelector('[data-result]');
  const number = view.querySelector('[data-number]');
  const prompt = view.querySelector('[data-prompt]');
  const countdown = view.querySelector('[data-countdown]');
  const bar = view.querySelector('[data-countdown-bar]');
  const connection = view.querySelector('[data-connection]');
  const badge = view.querySelector('[data-result-badge]');
  const title = view.querySelector('[data-result-title]');
  const message = view.querySelector('[data-result-message]');
  const hint = view.querySelector('[data-result-hint]');
  const again = view.querySelector('[data-again]');
  let current = null; // { id, number, expiresAt, username, total, ticker, abort, outcome }

  function start(signInAnswer) {
    stop();
    current = { ...signInAnswer, abort: new AbortController(), outcome: null };
    current.total = Math.max(1, (current.expiresAt - serverNow()) / 1000);
    view.dataset.state = 'waiting';
    delete view.dataset.reason;
    waiting.hidden = false;
    result.hidden = true;
    number.textContent = String(current.number);
    say(prompt, { key: 'waiting.prompt', params: { number: current.number } });
    say(connection, null);
    current.ticker = setInterval(tick, 500);
    tick();
    follow(current);
  }

  function tick() {
    const left = (current.expiresAt - serverNow()) / 1000;
    bar.value = Math.max(0, left / current.total);
    say(
      countdown,
      left > 0
        ? { key: 'waiting.left', params: { left: minutesAndSeconds(left) } }
        : { key: 'waiting.ending' },
    );
  }

  /** Asks the server, again and again, until the sign-in is no longer waiting. */
  async function follow(attempt) {
    const { signal } = attempt.abort;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const status = await call(`sign-in/${encodeURIComponent(attempt.id)}?wait=25`, { signal });
        failures = 0;
        say(connection, null);
        if (status.state !== 'waiting') return finish(attempt, status);
      } catch (error) {
        if (signal.aborted) return;
        if (error.status >= 400 && error.status < 500) return finish(attempt, { state: 'lost', error });
        failures += 1;
        say(connection, { key: 'waiting.reconnecting' });
        await sleep(Math.min(1000 * 2 ** failures, 15000), signal);
      }
    }
  }

  function finish(attempt, outcome) {
    if (attempt !== current) return;
    clearInterval(current.ticker);
    current.outcome = outcome;
    view.dataset.state = outcome.state;
    if (outcome.reason) view.dataset.reason = outcome.reason;
    waiting.hidden = true;
    result.hidden = false;
    const words = outcomeWords(outcome, attempt.username);
    badge.textContent = outcome.state === 'signed_in' ? '✓' : '!';
    badge.dataset.tone = outcome.state === 'signed_in' ? 'good' : 'bad';
    say(title, { key: words.title });
    say(message, words.message);
    say(hint, words.hint);
    say(again, { key: outcome.state === 'signed_in' ? 'result.signOut' : 'result.again' });
    updateTitle();
    focusHeading();
  }

  again.addEventListener('click', () => {
    const username = current?.username;
    signIn.prefill(username);
    const fields = formOf('sign-in').elements;
    navigate('sign-in', username ? fields.password : fields.username);
  });

  view.querySelector('[data-cancel]').addEventListener('click', () => {
    signIn.prefill(current?.username);
    navigate('sign-in');
  });

  function stop() {
    if (!current) return;
    current.abort.abort();
    clearInterval(current.ticker);
    current = null;
  }

  return {
    start,
    stop,
    active: () => current !== null,
    titleKey: () =>
      current?.outcome ? outcomeWords(current.outcome, current.username).title : 'waiting.title',
  };
})();

/** The title, message and hint for how a sign-in ended. */
function outcomeWords(outcome, username) {
  switch (outcome.state) {
    case 'signed_in':
      return {
        title: 'result.signedIn.title',
        message: { key: 'result.signedIn.message', params: { username } },
        hint: { key: 'result.signedIn.hint' },
      };
    case 'expired':
      return {
        title: 'result.expired.title',
        message: { key: 'result.expired.message' },
        hint: { key: 'result.expired.hint' },
      };
    case 'lost':
      return {
        title: 'result.lost.title',
        message: errorMessage(outcome.error),
        hint: { key: 'result.expired.hint' },
      };
    default: {
      const reason = ['declined', 'wrong_number', 'not_me', 'superseded'].includes(outcome.reason)
        ? outcome.reason
        : 'refused';
      let hint = { key: `result.${reason}.hint` };
      // The API does not say yet how long approvals stay paused; when it does, say until when.
      const retryAfter = Number(outcome.retry_after);
      if (reason === 'not_me' && Number.isFinite(retryAfter) && retryAfter > 0) {
        hint = { key: 'result.not_me.hintUntil', params: moment(Date.now() + retryAfter * 1000) };
      }
      return { title: 'result.refused.title', message: { key: `result.${reason}.message` }, hint };
    }
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Start.

for (const button of document.querySelectorAll('[data-language]')) {
  button.addEventListener('click', () => chooseLanguage(button.dataset.language));
}
// The skip link's #main is no view: it moves the focus, and leaves the address alone.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  focusHeading();
});
window.addEventListener('hashchange', route);
route();
applyLanguage();
