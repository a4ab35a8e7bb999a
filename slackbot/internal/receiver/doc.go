// Package receiver is the transport layer of the Slack bot, modelled on Bolt's
// HTTPReceiver, SocketModeReceiver and ResponseAck. It knows Slack's wire and
// nothing of GitScrum:
//
//   - over HTTP it reads bounded bodies, checks Slack's signature, refuses a
//     replayed one and answers ssl_check ([Receiver.ServeCommands],
//     [Receiver.ServeInteractivity], [Receiver.ServeEvents]);
//   - over Socket Mode it refuses redelivered envelopes and acknowledges every
//     envelope ([Receiver.RunSocketMode]);
//   - either way it hands a verified [Request] to the [App] and writes the
//     [Response] as the acknowledgement; a panic in the App is recovered, logged
//     and answered ([App.Panicked]);
//   - [Jobs] runs background work: [Jobs.Spawn] always recovers a panic, logs it
//     and lets the App answer the person, and [Ack] races work against Slack's
//     3-second budget, for every kind of request.
package receiver
