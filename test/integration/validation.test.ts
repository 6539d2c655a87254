import type { INodeParameters } from 'n8n-workflow';

import type { InputItem } from '../harness/n8n';
import { byId, run, useWappflyServer } from '../harness/fixtures';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const text = (to: unknown, body = 'hi'): INodeParameters => ({
	resource: 'message',
	operation: 'sendText',
	to: byId(to as string),
	text: body,
});

interface BadInput {
	name: string;
	parameters: INodeParameters;
	items?: InputItem[];
	/** Fragments the error message must contain: the field and the value. */
	message: RegExp;
	/** What the description must point the user at. */
	fix: RegExp;
}

const bad: BadInput[] = [
	{
		name: 'letters as a number',
		parameters: text('call me'),
		message: /Invalid To "call me"/,
		fix: /\+15551234567/,
	},
	{
		name: 'empty recipient',
		parameters: text('={{ "" }}'),
		message: /Invalid To "": it is empty/,
		fix: /country code/,
	},
	{
		name: 'too short number',
		parameters: text('+12345'),
		message: /Invalid To "\+12345".*7 to 15 digits/,
		fix: /JID/,
	},
	{
		name: 'too long number',
		parameters: text('+1234567890123456'),
		message: /Invalid To .*16/,
		fix: /JID/,
	},
	{
		name: 'national number with trunk 0',
		parameters: text('0555 123 4567'),
		message: /trunk 0/,
		fix: /country code/,
	},
	{
		name: 'email address',
		parameters: text('alice@example.com'),
		message: /not a WhatsApp user or group JID/,
		fix: /@g\.us/,
	},
	{ name: 'LID address', parameters: text('265777475281011@lid'), message: /LID/, fix: /JID/ },
	{
		name: 'malformed group JID',
		parameters: text('12@g.us'),
		message: /Invalid To "12@g\.us"/,
		fix: /120363025246125244@g\.us/,
	},
	{
		name: 'JID with letters',
		parameters: text('1555abc@s.whatsapp.net'),
		message: /Invalid To/,
		fix: /JID/,
	},
	{
		name: 'number with a letter',
		parameters: text('+1 555 123 456O'),
		message: /characters other than digits/,
		fix: /country code/,
	},
	{
		name: 'empty text',
		parameters: text(ALICE, '={{ "" }}'),
		message: /Text is empty/,
		fix: /Enter the text/,
	},
	{
		name: 'blank text',
		parameters: text(ALICE, '   \n '),
		message: /Text is empty/,
		fix: /expression/,
	},
	{
		name: 'text over 65536 characters',
		parameters: text(ALICE, 'x'.repeat(65_537)),
		message: /65537 characters long/,
		fix: /split/,
	},
	{
		name: 'text from a missing field',
		parameters: text(ALICE, '={{ $json.missing }}'),
		message: /Text is empty/,
		fix: /field it reads/,
	},
	{
		name: 'reply with empty message id',
		parameters: {
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: '={{ "" }}',
			text: 'ok',
		},
		message: /Message ID is empty/,
		fix: /3EB06A40C80DF456A1B2/,
	},
	{
		name: 'reply with a message id containing spaces',
		parameters: {
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: 'not an id',
			text: 'ok',
		},
		message: /Invalid Message ID "not an id"/,
		fix: /messageId/,
	},
	{
		name: 'reply with empty text',
		parameters: {
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: '3EB06A40C80DF456A1B2',
			text: '={{ $json.reply }}',
		},
		message: /Text is empty/,
		fix: /Enter the text/,
	},
	{
		name: 'react with a word',
		parameters: {
			resource: 'message',
			operation: 'react',
			to: byId(ALICE),
			messageId: '3EB06A40C80DF456A1B2',
			emoji: 'ok',
		},
		message: /Invalid Emoji "ok"/,
		fix: /single emoji/,
	},
	{
		name: 'react with two emojis',
		parameters: {
			resource: 'message',
			operation: 'react',
			to: byId(ALICE),
			messageId: '3EB06A40C80DF456A1B2',
			emoji: '👍👍',
		},
		message: /exactly one emoji/,
		fix: /leave the field empty/,
	},
	{
		name: 'react to a bad message id',
		parameters: {
			resource: 'message',
			operation: 'react',
			to: byId(ALICE),
			messageId: '<id>',
			emoji: '👍',
		},
		message: /Invalid Message ID "<id>"/,
		fix: /msg_id/,
	},
	{
		name: 'edit with empty text',
		parameters: {
			resource: 'message',
			operation: 'edit',
			to: byId(ALICE),
			messageId: 'BD9043CF84A700B5',
			text: '={{ "  " }}',
		},
		message: /New text is empty/,
		fix: /Enter the text/,
	},
	{
		name: 'delete with bad recipient',
		parameters: {
			resource: 'message',
			operation: 'delete',
			to: byId('alice'),
			messageId: 'BD9043CF84A700B5',
		},
		message: /Invalid Chat "alice"/,
		fix: /country code/,
	},
	{
		name: 'delete without message id',
		parameters: { resource: 'message', operation: 'delete', to: byId(ALICE), messageId: '  ' },
		message: /Message ID is empty/,
		fix: /ID of a message/,
	},
	{
		name: 'getRecent limit 0',
		parameters: { resource: 'message', operation: 'getRecent', limit: 0 },
		message: /Invalid Limit "0"/,
		fix: /from 1 to 100/,
	},
	{
		name: 'getRecent limit 101',
		parameters: { resource: 'message', operation: 'getRecent', limit: 101 },
		message: /Invalid Limit "101"/,
		fix: /from 1 to 100/,
	},
	{
		name: 'getRecent limit 2.5',
		parameters: { resource: 'message', operation: 'getRecent', limit: 2.5 },
		message: /Invalid Limit "2\.5"/,
		fix: /whole number/,
	},
	{
		name: 'getHistory limit 501',
		parameters: { resource: 'chat', operation: 'getHistory', chat: byId(ALICE), limit: 501 },
		message: /Invalid Limit "501"/,
		fix: /from 1 to 500/,
	},
	{
		name: 'getHistory without chat',
		parameters: {
			resource: 'chat',
			operation: 'getHistory',
			chat: byId('={{ $json.chat }}'),
			limit: 5,
		},
		message: /Invalid Chat "": it is empty/,
		fix: /country code/,
	},
	{
		name: 'image without any binary data',
		parameters: { resource: 'message', operation: 'sendImage', to: byId(ALICE) },
		message: /no binary field "data"/,
		fix: /no binary data at all/,
	},
	{
		name: 'image from a binary field that does not exist',
		parameters: {
			resource: 'message',
			operation: 'sendImage',
			to: byId(ALICE),
			binaryPropertyName: 'photo',
		},
		items: [
			{
				binary: {
					attachment: { data: Buffer.from('x'), mimeType: 'image/png' },
					invoice: { data: Buffer.from('y') },
				},
			},
		],
		message: /no binary field "photo"/,
		fix: /Its binary fields are: attachment, invoice/,
	},
	{
		name: 'empty binary file',
		parameters: { resource: 'message', operation: 'sendDocument', to: byId(ALICE) },
		items: [
			{
				binary: {
					data: { data: Buffer.alloc(0), fileName: 'empty.pdf', mimeType: 'application/pdf' },
				},
			},
		],
		message: /empty \(0 bytes\)/,
		fix: /cannot send an empty file/,
	},
	{
		name: 'a PDF sent as an image',
		parameters: { resource: 'message', operation: 'sendImage', to: byId(ALICE) },
		items: [
			{
				binary: {
					data: { data: Buffer.from('%PDF-1.4'), fileName: 'a.pdf', mimeType: 'application/pdf' },
				},
			},
		],
		message: /application\/pdf, not an image/,
		fix: /Send Document/,
	},
	{
		name: 'an image sent as audio',
		parameters: { resource: 'message', operation: 'sendAudio', to: byId(ALICE) },
		items: [
			{ binary: { data: { data: Buffer.from('png'), fileName: 'a.png', mimeType: 'image/png' } } },
		],
		message: /image\/png, not a audio|image\/png, not a audio/,
		fix: /OGG\/Opus/,
	},
	{
		name: 'invalid base64',
		parameters: {
			resource: 'message',
			operation: 'sendImage',
			to: byId(ALICE),
			mediaSource: 'base64',
			base64: 'not base64!',
		},
		message: /Base64 Data is not valid base64/,
		fix: /data:<type>;base64/,
	},
	{
		name: 'empty base64',
		parameters: {
			resource: 'message',
			operation: 'sendVideo',
			to: byId(ALICE),
			mediaSource: 'base64',
			base64: '={{ $json.file }}',
		},
		message: /Base64 Data is empty/,
		fix: /empty file/,
	},
	{
		name: 'base64 of impossible length',
		parameters: {
			resource: 'message',
			operation: 'sendDocument',
			to: byId(ALICE),
			mediaSource: 'base64',
			base64: 'QUJDR',
		},
		message: /length is not valid base64/,
		fix: /base64/,
	},
	{
		name: 'URL that is not a URL',
		parameters: {
			resource: 'message',
			operation: 'sendDocument',
			to: byId(ALICE),
			mediaSource: 'url',
			url: 'invoice.pdf',
		},
		message: /Invalid URL "invoice\.pdf"/,
		fix: /https:\/\//,
	},
	{
		name: 'URL with a file: scheme',
		parameters: {
			resource: 'message',
			operation: 'sendDocument',
			to: byId(ALICE),
			mediaSource: 'url',
			url: 'file:///etc/passwd',
		},
		message: /Invalid URL/,
		fix: /http:\/\/ or https:\/\//,
	},
	{
		name: 'empty URL',
		parameters: {
			resource: 'message',
			operation: 'sendImage',
			to: byId(ALICE),
			mediaSource: 'url',
			url: '={{ $json.link }}',
		},
		message: /URL is empty/,
		fix: /link to the file/,
	},
	{
		name: 'negative timeout',
		parameters: { ...text(ALICE), options: { timeout: -5 } },
		message: /Invalid Timeout "-5"/,
		fix: /milliseconds/,
	},
];

test('there are at least 30 distinct bad inputs', () => {
	expect(new Set(bad.map((b) => b.name)).size).toBeGreaterThanOrEqual(30);
});

describe('bad input is rejected before any request, with the field, the value and the fix', () => {
	test.each(bad)('$name', async ({ parameters, items, message, fix }) => {
		const result = await run(credentials(), parameters, { items });
		expect(server().requests).toEqual([]);
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\(item 0\)$/);
		expect(result.error?.description).toMatch(fix);
	});
});

test('one bad item among good ones stops the node before anything is sent', async () => {
	const items = [
		{ json: { to: '+15551111111' } },
		{ json: { to: 'nobody' } },
		{ json: { to: '+15553333333' } },
	];
	const result = await run(credentials(), text('={{ $json.to }}'), { items });
	expect(server().requests).toEqual([]);
	expect(result.error?.message).toMatch(/Invalid To "nobody".*\(item 1\)/);
	expect(result.error?.context?.itemIndex).toBe(1);
});
