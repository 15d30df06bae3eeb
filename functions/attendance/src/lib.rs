//! Who has joined: the Zoom webhook, tracked join links and reminder opt-outs.
