/** WebRTC details shared by the media code: the camera's simulcast layers and non-trickle ICE. */
/** Camera layers, lowest first: 1/4, 1/2 and full size. */
export const SIMULCAST: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', maxBitrate: 1_200_000 },
];

/** Non-trickle ICE: the SDP goes out once gathering is complete (or after `ms`, with what we have). */
export function iceGatheringComplete(pc: RTCPeerConnection, ms = 4000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
