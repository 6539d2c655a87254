/**
 * Download Media against files encrypted by the OpenSSL command line (make-vectors.sh), through
 * the trigger: the file is served by the contract server, i.e. from the credential's Wappfly
 * origin, with the token. Issue 7 §5.
 */
import { Container } from '@n8n/di';
import { createHash } from 'node:crypto';
import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import { MEDIA_VECTORS, type MediaVector } from '../fixtures/whatsapp-media/vectors';
import { envelope } from './fixtures';
import { useTrigger } from './helpers';

const { server, start } = useTrigger();

const MESSAGE: Record<string, { key: string; mimetype: string; fileName?: string }> = {
	image: { key: 'imageMessage', mimetype: 'image/jpeg' },
	video: { key: 'videoMessage', mimetype: 'video/mp4' },
	audio: { key: 'audioMessage', mimetype: 'audio/ogg; codecs=opus' },
	document: { key: 'documentMessage', mimetype: 'application/pdf', fileName: 'vector.pdf' },
};

/** A media message of the vector's type whose file is at `url`. */
function vectorEnvelope(vector: MediaVector, url: string, withEncSha256 = true) {
	const { key, mimetype, fileName } = MESSAGE[vector.kind];
	return envelope({
		id: `VECTOR${vector.name.toUpperCase()}`,
		messageBody: null,
		message: {
			[key]: {
				url,
				mimetype,
				fileName,
				mediaKey: vector.mediaKey,
				fileSha256: vector.fileSha256,
				...(withEncSha256 ? { fileEncSha256: vector.fileEncSha256 } : {}),
				fileLength: String(vector.plainLength),
				mediaKeyTimestamp: '1779285890',
			},
		},
	});
}

function onlyItem(started: INodeExecutionData[] | undefined): INodeExecutionData {
	expect(started).toHaveLength(1);
	return started![0];
}

/** Where a flipped byte is tried: first, middle and last ciphertext byte, first and last MAC byte. */
function flipPositions(vector: MediaVector): Array<[string, number]> {
	const macStart = vector.encrypted.length - 10;
	return [
		['the first ciphertext byte', 0],
		['a middle ciphertext byte', Math.floor(macStart / 2)],
		['the last ciphertext byte', macStart - 1],
		['the first MAC byte', macStart],
		['the last MAC byte', vector.encrypted.length - 1],
	];
}

describe.each(MEDIA_VECTORS.map((vector) => [vector.name, vector] as const))(
	'%s encrypted by OpenSSL',
	(name, vector) => {
		test('Download Media attaches exactly the plaintext OpenSSL encrypted', async () => {
			const url = server().addFile(`/api/media/vector-${name}`, {
				body: vector.encrypted,
				requireToken: true,
			});
			const trigger = await start({ options: { downloadMedia: true } });
			const call = await trigger.post(vectorEnvelope(vector, url));
			expect(call.status).toBe(200);
			const item = onlyItem(call.started);
			expect(item.json.mediaError).toBeUndefined();
			expect(item.json.type).toBe(vector.kind);
			const binary = item.binary?.data;
			expect(binary?.mimeType).toBe(MESSAGE[vector.kind].mimetype);
			const bytes = await Container.get(BinaryDataService).getAsBuffer(binary!);
			expect(bytes.length).toBe(vector.plainLength);
			expect(createHash('sha256').update(bytes).digest('hex')).toBe(vector.fileSha256Hex);
			expect(server().fileRequests.map((request) => request.path)).toEqual([
				`/api/media/vector-${name}`,
			]);
		});

		test.each(flipPositions(vector))(
			'%s flipped: the message comes out with a mediaError and no file',
			async (_where, index) => {
				const tampered = Buffer.from(vector.encrypted);
				tampered[index] ^= 0x01;
				const url = server().addFile(`/api/media/tampered-${name}-${index}`, {
					body: tampered,
					requireToken: true,
				});
				const trigger = await start({ options: { downloadMedia: true } });

				// As WhatsApp sends it, with fileEncSha256: refused by one check or another.
				const withHash = onlyItem((await trigger.post(vectorEnvelope(vector, url))).started);
				expect(withHash.binary).toBeUndefined();
				expect(withHash.json.mediaError).toMatch(
					new RegExp(`^Could not attach the ${vector.kind}: `),
				);

				// Without fileEncSha256, the MAC is what refuses it.
				const withoutHash = onlyItem(
					(await trigger.post(vectorEnvelope(vector, url, false))).started,
				);
				expect(withoutHash.binary).toBeUndefined();
				expect(withoutHash.json.mediaError).toBe(
					`Could not attach the ${vector.kind}: the file does not match its media key (MAC check failed): it is damaged or belongs to another message`,
				);
			},
		);
	},
);
