/**
 * pulumi-telecom: Pulumi resources and lookups for what an ISP provisions for its subscribers.
 *
 * ```ts
 * import { ForpostAccount, forpost } from "pulumi-telecom";
 * ```
 *
 * The classes and functions are generated from provider/registry.ts (`npm run generate`).
 */
export * from "./resources.generated";
export * from "./functions.generated";
export type { InputArgs, OutputProperties, TelecomResourceOptions } from "./telecom-resource";
export { VideoSubscriber, VIDEO_SUBSCRIBER_TYPE } from "./components/video-subscriber";
export type { VideoSubscriberArgs, VideoSubscriberCamera, VideoSubscriberLogin, VideoSubscriberOptions, VideoSubscriberRights } from "./components/video-subscriber";
