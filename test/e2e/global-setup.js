// @ts-check
'use strict';

/**
 * Jest global setup of the e2e project (see jest.config.js): runs once, before the first e2e test
 * file and outside every test's time limit, whenever a run includes an e2e test (`npm test`,
 * `npm run test:e2e`, `npx jest test/e2e/...`). It installs what the suite needs from outside the
 * clone into the e2e cache ($WAPPFLY_E2E_CACHE or ~/.cache/n8n-nodes-wappfly), once per machine:
 * the pinned n8n of each line of WAPPFLY_E2E_VERSIONS (default 1,2) and the editor test's Chromium
 * (from the dev dependency @sparticuz/chromium). With the cache filled this takes a second.
 *
 * It waits as long as the installs take and prints progress lines (what, elapsed time, size on
 * disk) every 30 seconds; the e2e tests then find everything in place. Meanwhile it builds and
 * packs the package once for all e2e files ($WAPPFLY_E2E_TARBALL, see n8n-instance's
 * sharedTarball; global-teardown.js deletes it).
 */

const path = require('node:path');

const { PINS, cacheRoot, e2eVersions, ensureAll } = require('./lib/install-n8n');
const { SHARED_TARBALL_ENV, packPackage } = require('./lib/n8n-instance');

/** @param {string} line */
function say(line) {
	process.stderr.write(`[e2e setup] ${line}\n`);
}

module.exports = async function globalSetup() {
	const versions = e2eVersions();
	const what = versions.map((v) => `n8n ${PINS[v].n8n}`).join(', ');
	say(
		`${what} and Chromium from ${cacheRoot()} (installed there on first use: about 8 minutes ` +
			'and 5 GB on 2 cores, then reused)',
	);
	// The package is built and packed once for every e2e file (n8n-instance's sharedTarball), while
	// the installs run; the global teardown deletes it.
	const packing = packPackage(path.resolve(__dirname, '..', '..'));
	const done = await ensureAll(versions).finally(() => packing.catch(() => undefined));
	process.env[SHARED_TARBALL_ENV] = await packing;
	for (const install of done.n8n) {
		say(`n8n ${install.n8nVersion} on Node ${install.nodeVersion}: ${install.dir}`);
	}
	if (done.chromium) say(`${done.chromium.version} (${done.chromium.source})`);
	say(`package packed once for every e2e file: ${process.env[SHARED_TARBALL_ENV]}`);
	say(`ready in ${done.seconds} s`);
};
