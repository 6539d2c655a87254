import { chatOfMessage, messageIdField, timeoutOnlyOptions } from '../common.descriptions';
import { getChatJid, getMessageId, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const deleteMessage: WappflyOperation = {
	properties: [
		chatOfMessage,
		messageIdField('ID of a message this line sent. It is removed for everyone in the chat.'),
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'Chat');
		const targetMessageId = getMessageId.call(this, itemIndex);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return postCall('/api/messages/delete', { to, target_msg_id: targetMessageId }, timeoutMs);
	},
};
