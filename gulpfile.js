// `n8n-node build` already copies every icon (**/*.{png,svg}) into dist/, so no gulp task is
// needed; this file stays so that `npx gulp build:icons` from older n8n tutorials still works.
const { copyFileSync, mkdirSync, readdirSync } = require('node:fs');
const path = require('node:path');

function buildIcons(done) {
	const target = path.join(__dirname, 'dist', 'icons');
	mkdirSync(target, { recursive: true });
	for (const file of readdirSync(path.join(__dirname, 'icons'))) {
		if (/\.(png|svg)$/.test(file)) copyFileSync(path.join(__dirname, 'icons', file), path.join(target, file));
	}
	done();
}

exports['build:icons'] = buildIcons;
exports.default = buildIcons;
