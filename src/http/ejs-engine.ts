import { existsSync, readFileSync } from 'node:fs';
import ejs, { type ClientFunction, type Data, type Options } from 'ejs';

type Callback = (err: Error | null, html?: string) => void;

// What ejs.renderFile takes from the render data as compile options (its _OPTS_PASSABLE_WITH_DATA_EXPRESS,
// less `client` and `cache`, which are ours to decide here).
const PASSABLE = ['delimiter', 'scope', 'context', 'debug', 'compileDebug', '_with', 'rmWhitespace', 'strict', 'localsName'] as const;

/**
 * EJS as Express's view engine: the same templates, compiled by ejs the same way and given the same data,
 * with one difference in cost. ejs.renderFile checks on disk (fs.existsSync) the file named by every
 * include() call, on every render, even when the compiled templates are cached; a group list page makes
 * two dozen such calls (icons in each card), which took about a tenth of the server's time under load.
 * Here, when the view cache is on (production), where an include() leads is looked up once per including
 * template and name, like the compiled template itself. With the cache off (development, tests),
 * templates are read, compiled and their includes looked up on every render, as ejs does.
 * Still pays (`npm run bench:http`, 2 December 2026, ratios to /healthz, this engine vs ejs.renderFile):
 * register form 0.18 vs 0.04–0.10, youth's journey 0.09 vs 0.05, group list 0.30 vs 0.15–0.25.
 */
export function ejsViewEngine(): (filename: string, data: object, callback: Callback) => void {
  const templates = new Map<string, ClientFunction>();
  const includes = new Map<string, string>();

  function compile(filename: string, options: Options, cache: boolean): ClientFunction {
    let template = cache ? templates.get(filename) : undefined;
    if (!template) {
      const source = readFileSync(filename, 'utf8').replace(/^\uFEFF/, '');
      template = ejs.compile(source, { ...options, filename, client: true, async: false });
      if (cache) templates.set(filename, template);
    }
    return template;
  }

  // As ejs resolves an include path when neither `root` nor a list of `views` folders is set (our case).
  function resolveInclude(from: string, name: string, cache: boolean): string {
    const key = `${from}\u0000${name}`;
    const known = cache ? includes.get(key) : undefined;
    if (known) return known;
    let filename: string;
    if (/^[A-Za-z]+:\\|^\//.test(name)) {
      filename = ejs.resolveInclude(name.replace(/^\/*/, ''), '/', true);
    } else {
      filename = ejs.resolveInclude(name, from);
      if (!existsSync(filename)) throw new Error(`Could not find the include file "${ejs.escapeXML(name)}"`);
    }
    if (cache) includes.set(key, filename);
    return filename;
  }

  // ejs's own copy for include data: own enumerable properties (never __proto__ or constructor).
  function copyInto(to: Data, from: Data): Data {
    for (const p in from) {
      if (!Object.prototype.hasOwnProperty.call(from, p) || p === '__proto__' || p === 'constructor') continue;
      to[p] = from[p];
    }
    return to;
  }

  // Includes are compiled with the options of the page that includes them, as in ejs.
  function render(filename: string, data: Data, options: Options, cache: boolean): string {
    const template = compile(filename, options, cache);
    // An include sees the page's data through its prototype, plus its own: the same names as ejs's copy of
    // every property, without copying the fifty-odd locals of a page for each of the dozens of icons and
    // fields it includes (3% of the server's CPU in `npm run bench:http`).
    const include = (name: string, includeData?: Data): string => {
      const d = Object.create(data) as Data;
      return render(resolveInclude(filename, name, cache), includeData ? copyInto(d, includeData) : d, options, cache);
    };
    return template.call(options.context, data, ejs.escapeXML, include);
  }

  return (filename, data, callback) => {
    const locals = data as Data;
    // Like ejs.renderFile: the view cache setting, overridden by `cache` (which Express always sets), and
    // the compile options that may come with the data.
    const settings = (locals.settings ?? {}) as Data;
    const cache = Boolean(locals.cache ?? settings['view cache']);
    const options: Options = { ...(settings['view options'] as Options | undefined) };
    for (const name of PASSABLE) if (locals[name] !== undefined) (options as Data)[name] = locals[name];
    let html: string;
    try {
      html = render(filename, locals, options, cache);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, html);
  };
}
