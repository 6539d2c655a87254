// @ts-check
'use strict';

/** Jest global teardown of the e2e project: deletes the tarball that global-setup.js packed. */

const fs = require('node:fs');
const path = require('node:path');

const { SHARED_TARBALL_ENV } = require('./lib/n8n-instance');

module.exports = async function globalTeardown() {
	const file = process.env[SHARED_TARBALL_ENV];
	if (file && process.env.WAPPFLY_E2E_KEEP !== '1') {
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
	delete process.env[SHARED_TARBALL_ENV];
};
