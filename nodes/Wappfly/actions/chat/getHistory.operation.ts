import { chatLocator, limitField, timeoutOnlyOptions } from '../common.descriptions';
import { getChatJid, getInteger, getTimeout } from '../parameters';
import type { WappflyOperation } from '../types';

export const getHistory: WappflyOperation = {
	read: true,
	properties: [
		chatLocator('chat', 'Chat', 'The person or group whose messages to get'),
		{ ...limitField(500), description: 'Max number of messages to return, newest first' },
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const jid = getChatJid.call(this, itemIndex, 'chat', 'Chat');
		const limit = getInteger.call(this, itemIndex, 'limit', 'Limit', 1, 500);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return {
			buildRequest: () => ({ method: 'GET', path: '/api/history', qs: { jid, limit }, timeoutMs }),
		};
	},
};
