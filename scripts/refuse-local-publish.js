#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `prepublishOnly`: refuses `npm publish` anywhere but in the GitHub Actions publish workflow
 * (.github/workflows/publish.yml, started by a version tag; README, "Releasing"). n8n verifies
 * community nodes only when they carry an npm provenance statement, which only that workflow can
 * produce: it runs in GitHub Actions with an OIDC token (`id-token: write`).
 *
 * The project's .npmrc sets `ignore-scripts` (for `npm ci`), which skips this script on a plain
 * `npm publish`: there, package.json's `publishConfig.provenance` refuses instead, since npm can
 * make no provenance statement outside a CI provider. test/package/release.test.ts checks both.
 */

const inPublishWorkflow =
	process.env.GITHUB_ACTIONS === 'true' && Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);

if (!inPublishWorkflow) {
	process.stderr.write(
		'Refusing to publish from this machine: n8n-nodes-wappfly is published only by the GitHub ' +
			'Actions workflow .github/workflows/publish.yml, with npm provenance. Push a version ' +
			'tag instead (README, "Releasing").\n',
	);
	process.exit(1);
}
