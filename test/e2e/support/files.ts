import { fs, path } from '../../support/node';

/**
 * Every file under a folder (databases, logs, binary data, outputs), as latin1 text, to look for a
 * secret in. `node_modules` and `.cache` (the installed package, n8n's copy of the editor) are left
 * out: they hold no run data.
 */
export function filesUnder(dir: string): Array<{ file: string; text: string }> {
	const out: Array<{ file: string; text: string }> = [];
	const walk = (current: string) => {
		for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) {
				if (entry.name === 'node_modules' || entry.name === '.cache') continue;
				walk(full);
			} else if (entry.isFile()) {
				out.push({ file: full, text: fs.readFileSync(full).toString('latin1') });
			}
		}
	};
	walk(dir);
	return out;
}
