/** Entry of dist/bedrock.js: the Bedrock SDK (with the AWS SDK) as its own bundle, loaded only when Bedrock is used. */
export { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
