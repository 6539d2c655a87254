import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { normalizeJid, RECIPIENT_EXAMPLES } from '../../shared/jid';
import { DEFAULT_TIMEOUT_MS } from '../../shared/transport';

/** WhatsApp's limit on the length of one text message. */
export const MAX_TEXT_LENGTH = 65_536;

const MESSAGE_ID = /^[A-Za-z0-9._:-]{4,128}$/;

export function invalidParameter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${message} (item ${itemIndex})`, {
		itemIndex,
		description,
	});
}

/** A parameter as text: expressions that find nothing give undefined or null, read as empty. */
export function asText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return typeof value === 'string'
		? value
		: typeof value === 'object'
			? JSON.stringify(value)
			: String(value);
}

function quoted(value: unknown): string {
	const text = asText(value);
	return `"${text.length > 80 ? text.slice(0, 77) + '...' : text}"`;
}

/** Reads a chat locator (`to`, `chat`) and returns the JID the API expects. */
export function getChatJid(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): string {
	const value = this.getNodeParameter(name, itemIndex, '', { extractValue: true });
	const result = normalizeJid(value);
	if (!result.ok) {
		throw invalidParameter(
			this,
			itemIndex,
			`Invalid ${label} ${quoted(value)}: ${result.reason}`,
			`Use a phone number with its country code or a WhatsApp JID, for example ${RECIPIENT_EXAMPLES}.`,
		);
	}
	return result.jid;
}

export function getText(
	this: IExecuteFunctions,
	itemIndex: number,
	label = 'Text',
	name = 'text',
): string {
	const text = asText(this.getNodeParameter(name, itemIndex, ''));
	if (text.trim() === '') {
		throw invalidParameter(
			this,
			itemIndex,
			`${label} is empty`,
			'Enter the text to send. If it comes from an expression, check that the field it reads exists in the input item.',
		);
	}
	if (text.length > MAX_TEXT_LENGTH) {
		throw invalidParameter(
			this,
			itemIndex,
			`${label} is ${text.length} characters long, over WhatsApp's limit of ${MAX_TEXT_LENGTH}`,
			'Shorten the text or split it over several messages.',
		);
	}
	return text;
}

export function getMessageId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('messageId', itemIndex, '');
	const id = asText(value).trim();
	if (!MESSAGE_ID.test(id)) {
		throw invalidParameter(
			this,
			itemIndex,
			id === '' ? 'Message ID is empty' : `Invalid Message ID ${quoted(value)}`,
			'Use the ID of a message of this line, like 3EB06A40C80DF456A1B2: the messageId of a Wappfly Trigger item, or msg_id from a send, Get Recent or Get History.',
		);
	}
	return id;
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** One emoji, or '' to remove a reaction. */
export function getEmoji(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('emoji', itemIndex, '');
	const emoji = asText(value).trim();
	if (emoji === '') return '';
	const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(emoji)];
	if (graphemes.length !== 1 || !EMOJI.test(emoji)) {
		throw invalidParameter(
			this,
			itemIndex,
			`Invalid Emoji ${quoted(value)}: a reaction is exactly one emoji`,
			'Enter a single emoji such as 👍, ❤️ or 🇧🇷, or leave the field empty to remove your reaction.',
		);
	}
	return emoji;
}

export function getInteger(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	min: number,
	max: number,
	fallback?: number,
): number {
	const value = this.getNodeParameter(name, itemIndex, fallback);
	return checkInteger(this, itemIndex, value, label, min, max);
}

/** Checks a value already read (e.g. from the item's Options) the way getInteger does. */
export function checkInteger(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
	min: number,
	max: number,
): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
		throw invalidParameter(
			ctx,
			itemIndex,
			`Invalid ${label} ${quoted(value)}`,
			`${label} must be a whole number from ${min} to ${max}.`,
		);
	}
	return number;
}

interface CommonOptions {
	timeout?: number;
}

export function getOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return this.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** `options`: the item's Options when the operation has read them already (read once per item). */
export function getTimeout(
	this: IExecuteFunctions,
	itemIndex: number,
	defaultMs = DEFAULT_TIMEOUT_MS,
	options?: IDataObject,
): number {
	const timeout =
		((options ?? getOptions.call(this, itemIndex)) as CommonOptions).timeout ?? defaultMs;
	if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1) {
		throw invalidParameter(
			this,
			itemIndex,
			`Invalid Timeout ${quoted(timeout)}`,
			'Timeout is a number of milliseconds, e.g. 60000 for one minute.',
		);
	}
	return timeout;
}
