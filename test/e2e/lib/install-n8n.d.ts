// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type ChromiumInstall = {
	/**
	 * the browser binary to give playwright-core's `launch`
	 */
	executablePath: string;
	/**
	 * what `<binary> --version` printed
	 */
	version: string;
	/**
	 * where it comes from: the npm package and its version, or WAPPFLY_CHROMIUM
	 */
	source: string;
};
export type N8nInstall = {
	/**
	 * major line asked for
	 */
	version: '1' | '2';
	/**
	 * exact n8n version installed
	 */
	n8nVersion: string;
	/**
	 * exact Node version that runs it (e.g. 'v20.20.2')
	 */
	nodeVersion: string;
	/**
	 * install folder (has node_modules/n8n)
	 */
	dir: string;
	/**
	 * absolute path of the node binary to run n8n with
	 */
	nodeBin: string;
	/**
	 * absolute path of n8n's bin script (run as `nodeBin n8nBin ...`)
	 */
	n8nBin: string;
	/**
	 * variables to add to the environment of any process that
	 * runs this n8n or npm for it (PATH with nodeBin's folder first;
	 * npm_config_nodedir for Node 24)
	 */
	env: Record<string, string>;
	/**
	 * measured at install time
	 */
	installed: {
		seconds: number;
		bytes: number;
	} | null;
};
/**
 * Installs (or reuses) the pinned n8n of a major line.
 * @param {'1' | '2'} version
 * @returns {Promise<N8nInstall>}
 */
export function ensureN8n(version: '1' | '2'): Promise<N8nInstall>;
/**
 * @typedef {object} ChromiumInstall
 * @property {string} executablePath  the browser binary to give playwright-core's `launch`
 * @property {string} version         what `<binary> --version` printed
 * @property {string} source          where it comes from: the npm package and its version, or WAPPFLY_CHROMIUM
 */
/**
 * The Chromium of the editor test, with nothing but `npm ci`: the pinned dev dependency
 * `@sparticuz/chromium` ships the binary brotli-packed in its tarball; it is unpacked once into
 * `<cache>/chromium-<version>/` (about 200 MB). `$WAPPFLY_CHROMIUM` uses a browser of the machine
 * instead (for example /usr/bin/chromium).
 * @returns {Promise<ChromiumInstall>}
 */
export function ensureChromium(): Promise<ChromiumInstall>;
/**
 * Everything the end-to-end suite needs from outside the clone, installed once per machine:
 * the pinned n8n of each line asked for, and the browser of the editor test. Prints progress lines
 * (what, elapsed time, size on disk) on stderr; never times out. The n8n installs run side by side
 * unless `sequential` (or WAPPFLY_E2E_INSTALL_SEQUENTIAL=1): on 2 cores one install's downloads
 * overlap the other's native builds.
 * @param {Array<'1' | '2'>} versions
 * @param {{ chromium?: boolean, sequential?: boolean }} [opts]  chromium: default true
 * @returns {Promise<{ n8n: N8nInstall[], chromium: ChromiumInstall | null, seconds: number }>}
 */
export function ensureAll(
	versions: Array<'1' | '2'>,
	opts?: {
		chromium?: boolean;
		sequential?: boolean;
	},
): Promise<{
	n8n: N8nInstall[];
	chromium: ChromiumInstall | null;
	seconds: number;
}>;
/**
 * The n8n lines an e2e run covers: $WAPPFLY_E2E_VERSIONS ('1', '2' or '1,2'; default both).
 * @returns {Array<'1' | '2'>}
 */
export function e2eVersions(): Array<'1' | '2'>;
export function cacheRoot(): string;
/** Exact pins. Change them here only. */
export const PINS: {
	1: {
		n8n: string;
		overrides: {
			xlsx: string;
			'isolated-vm': string;
		};
		ignoreScripts: boolean;
		node: any;
	};
	2: {
		n8n: string;
		overrides: {
			xlsx: string;
		};
		ignoreScripts: boolean;
		node: string;
	};
};
/**
 * Optional lockfiles that pin n8n's whole dependency tree (`n8n-<version>.package-lock.json`).
 * When one is present the install uses `npm ci` with it; without one, `npm install` resolves the
 * tree afresh. `node test/e2e/lib/install-n8n.js --save-locks 1 2` writes them from the cache.
 */
export const LOCKS_DIR: string;
