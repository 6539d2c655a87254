import {
	NodeOperationError,
	sleep,
	sleepWithAbort,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { checkInteger, getOptions } from './parameters';

/** The longest pause allowed between two messages, and the largest random extra: 10 minutes. */
export const MAX_PACING_MS = 600_000;

/** Keep in step with the `default`s below (n8n's lint wants them written out there). */
const DEFAULTS = { delayBetweenMessages: 3000, randomExtraDelay: 2000 };

/** How long to wait before sending an item, when it is not the first message of the run. */
export interface Pacing {
	delayMs: number;
	randomExtraMs: number;
}

/** Options > Pacing of every send operation: `options.pacing.values.{delayBetweenMessages,randomExtraDelay}`. */
export const pacingOption: INodeProperties = {
	displayName: 'Pacing',
	name: 'pacing',
	type: 'fixedCollection',
	default: { values: { ...DEFAULTS } },
	description:
		'Whether to wait between two messages of one run, so that WhatsApp does not see a burst. The items are sent one after the other, in their order.',
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Delay Between Messages (Milliseconds)',
					name: 'delayBetweenMessages',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_PACING_MS },
					default: 3000,
					description: 'How long to wait before each message after the first, in milliseconds',
				},
				{
					displayName: 'Random Extra Delay (Milliseconds)',
					name: 'randomExtraDelay',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_PACING_MS },
					default: 2000,
					description:
						'Up to this many milliseconds, drawn at random for each message, added to the delay so that the pattern is not machine-regular',
				},
			],
		},
	],
};

/**
 * Reads and checks the item's Pacing option; undefined when it is not set. `options`: the item's
 * Options when the operation has read them already (they are evaluated once per item).
 */
export function getPacing(
	this: IExecuteFunctions,
	itemIndex: number,
	options?: IDataObject,
): Pacing | undefined {
	const pacing = (options ?? getOptions.call(this, itemIndex)).pacing as
		| { values?: Partial<Record<keyof typeof DEFAULTS, unknown>> }
		| undefined;
	const values = pacing?.values;
	if (!values) return undefined;
	// A saved workflow may leave out a value still at its default.
	const read = (name: keyof typeof DEFAULTS, label: string) =>
		checkInteger(
			this,
			itemIndex,
			values[name] === undefined ? DEFAULTS[name] : values[name],
			label,
			0,
			MAX_PACING_MS,
		);
	return {
		delayMs: read('delayBetweenMessages', 'Delay Between Messages (Milliseconds)'),
		randomExtraMs: read('randomExtraDelay', 'Random Extra Delay (Milliseconds)'),
	};
}

/**
 * n8n-workflow's sleep that a stopped execution cuts short, clearing its timer: `sleepWithAbort`
 * in n8n 1.x; in n8n 2, which dropped it, `sleep` itself takes the signal.
 */
async function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (typeof sleepWithAbort === 'function') return await sleepWithAbort(ms, signal);
	return await (sleep as (ms: number, signal?: AbortSignal) => Promise<void>)(ms, signal);
}

/**
 * Waits the delay plus a random extra from 0 to `randomExtraMs`. A stopped execution ends the
 * wait at once (and the run with it), so that no message goes out after the user stopped it.
 */
export async function pace(ctx: IExecuteFunctions, pacing: Pacing): Promise<void> {
	const ms = pacing.delayMs + Math.floor(Math.random() * (pacing.randomExtraMs + 1));
	if (ms <= 0) return;
	const signal = ctx.getExecutionCancelSignal();
	try {
		await abortableSleep(ms, signal);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			signal?.aborted ? 'The execution was stopped: no more messages are sent' : (error as Error),
		);
	}
}
