// A small W3C WebDriver client over fetch: enough to drive the app through tauri-driver
// (which hands the session to WebKitWebDriver) without downloading a browser or a framework.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Starts the app and returns its session. */
  static async start(base, application, timeoutMs = 60_000) {
    const capabilities = { alwaysMatch: { 'tauri:options': { application } } };
    const started = Date.now();
    for (;;) {
      try {
        const value = await request(base, 'POST', '/session', { capabilities });
        return new Session(base, value.sessionId);
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw error;
        await sleep(500);
      }
    }
  }

  async call(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async quit() {
    await this.call('DELETE', '');
  }

  /** The first element matching a CSS selector, waiting for it to appear. */
  async find(selector, timeoutMs = 10_000) {
    const started = Date.now();
    for (;;) {
      try {
        const value = await this.call('POST', '/element', { using: 'css selector', value: selector });
        return new Element(this, value[ELEMENT]);
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw new Error(`no element ${selector}: ${error.message}`);
        await sleep(100);
      }
    }
  }

  async findAll(selector) {
    const value = await this.call('POST', '/elements', { using: 'css selector', value: selector });
    return value.map((item) => new Element(this, item[ELEMENT]));
  }

  /** Waits until `test` (an async function) returns a truthy value, and returns it. */
  async until(test, what, timeoutMs = 10_000) {
    const started = Date.now();
    let last;
    for (;;) {
      try {
        last = await test();
        if (last) return last;
      } catch (error) {
        last = error;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await sleep(100);
    }
  }

  async script(source, args = []) {
    return this.call('POST', '/execute/sync', { script: source, args });
  }

  /** Runs an asynchronous script: it calls its last argument with the result. */
  async asyncScript(source, args = []) {
    return this.call('POST', '/execute/async', { script: source, args });
  }

  /** A PNG screenshot of the window, as bytes. */
  async screenshot() {
    return Buffer.from(await this.call('GET', '/screenshot'), 'base64');
  }

  async setWindowSize(width, height) {
    await this.call('POST', '/window/rect', { width, height });
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  async click() {
    await this.session.call('POST', `/element/${this.id}/click`, {});
  }

  async type(text) {
    await this.session.call('POST', `/element/${this.id}/value`, { text });
  }

  /** Empties a field the way a user does (select all, delete), so that input events fire. */
  async clear() {
    await this.session.call('POST', `/element/${this.id}/value`, { text: '\uE009a\uE000\uE003' });
  }

  async text() {
    return this.session.call('GET', `/element/${this.id}/text`);
  }

  async attribute(name) {
    return this.session.call('GET', `/element/${this.id}/attribute/${name}`);
  }

  async property(name) {
    return this.session.call('GET', `/element/${this.id}/property/${name}`);
  }

  async select(value) {
    // WebKitWebDriver selects an <option> by clicking it.
    const option = await this.session.call('POST', `/element/${this.id}/element`, {
      using: 'css selector',
      value: `option[value="${value}"]`,
    });
    await new Element(this.session, option[ELEMENT]).click();
  }
}

async function request(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${json.value ? `${json.value.error}: ${json.value.message}` : response.status}`);
  }
  return json.value;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
