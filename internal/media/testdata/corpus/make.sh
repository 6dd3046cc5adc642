#!/usr/bin/env bash
# Regenerates the corpus of small real media files the internal/media tests
# read, and manifest.tsv, which records what ffprobe says of each file.
# Needs ffmpeg and ffprobe (Debian: apt-get install ffmpeg; the committed
# files were made with Debian 12's ffmpeg 5.1). The tests never run it.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.mp4 ./*.mov ./*.m4v ./*.webm ./*.mkv ./*.webp ./*.png manifest.tsv

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
# A moving test pattern, tiny, with a deterministic encoder setup.
src=(-f lavfi -i "testsrc2=size=96x64:rate=25:duration=1")
tone=(-f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1")
x264=(-c:v libx264 -preset veryfast -crf 40 -pix_fmt yuv420p -bitexact -map_metadata -1)
aac=(-c:a aac -b:a 16k -ac 1)

ff "${src[@]}" "${x264[@]}" default.mp4
ff "${src[@]}" "${x264[@]}" -movflags +faststart faststart.mp4
ff "${src[@]}" "${x264[@]}" -movflags frag_keyframe+empty_moov+default_base_moof -g 10 fragmented.mp4
ff "${src[@]}" "${tone[@]}" "${x264[@]}" "${aac[@]}" -shortest -movflags frag_keyframe+empty_moov+default_base_moof -g 10 fragmented-audio.mp4
ff -i default.mp4 -c copy -metadata:s:v:0 rotate=90 rotated90.mp4
ff "${src[@]}" -c:v libx265 -preset ultrafast -x265-params log-level=error:crf=40 -tag:v hvc1 -pix_fmt yuv420p -map_metadata -1 hevc.mp4
ff "${src[@]}" "${x264[@]}" quicktime.mov
ff "${src[@]}" "${x264[@]}" video.m4v
ff "${src[@]}" -c:v libvpx -b:v 50k -map_metadata -1 vp8.webm
ff "${src[@]}" -c:v libvpx-vp9 -b:v 50k -deadline realtime -map_metadata -1 vp9.webm
ff "${src[@]}" "${tone[@]}" -c:v libvpx-vp9 -b:v 50k -deadline realtime -c:a libopus -b:a 16k -shortest -map_metadata -1 vp9-opus.mkv
# A cut copied without re-encoding: starts between keyframes, so the muxer
# writes an edit list.
ff "${src[@]}" "${x264[@]}" -g 10 long.tmp.mp4
ff -ss 0.3 -i long.tmp.mp4 -t 0.5 -c copy editlist.mp4
rm long.tmp.mp4
ff -f lavfi -i "testsrc2=size=96x64:rate=25:duration=0.5" "${x264[@]}" half-second.mp4
ff -f lavfi -i "testsrc2=size=96x64:rate=30000/1001:duration=1" "${x264[@]}" ntsc.mp4
ff "${src[@]}" "${tone[@]}" "${x264[@]}" "${aac[@]}" -shortest with-audio.mp4
ff -f lavfi -i "testsrc2=size=96x64" -frames:v 1 -c:v libwebp -quality 30 lossy.webp
ff -f lavfi -i "testsrc2=size=96x64" -frames:v 1 -c:v libwebp -lossless 1 lossless.webp
ff -f lavfi -i "testsrc2=size=96x64:rate=5:duration=0.6" -c:v libwebp_anim -loop 0 -quality 20 animated.webp
ff -f lavfi -i "testsrc2=size=96x64" -frames:v 1 image.png
# Broken files: a faststart file cut in its media data, a default file cut
# before its moov, and a PNG named .mp4.
head -c "$(( $(stat -c %s faststart.mp4) * 2 / 3 ))" faststart.mp4 >truncated.mp4
head -c "$(( $(stat -c %s default.mp4) / 2 ))" default.mp4 >truncated-no-moov.mp4
cp image.png png-named.mp4

# manifest.tsv: file, ffprobe's format_name, duration (s), displayed width
# and height (after the rotation ffprobe reports), and the verdict: "ok" when
# ffprobe reads it and ffmpeg decodes every frame without an error, else
# "corrupt".
printf 'file\tformat\tduration\twidth\theight\tverdict\n' >manifest.tsv
for f in $(ls | grep -v -e '\.sh$' -e '\.tsv$' | sort); do
  verdict=ok
  if ! probe=$(ffprobe -v error -select_streams v:0 -show_entries format=format_name,duration:stream=width,height:stream_side_data=rotation \
      -of default=noprint_wrappers=1 "$f" 2>/dev/null) || [ -z "$probe" ]; then
    verdict=corrupt; probe=
  fi
  if [ -n "$(ffmpeg -v error -nostdin -i "$f" -f null - 2>&1)" ]; then verdict=corrupt; fi
  get() { printf '%s\n' "$probe" | sed -n "s/^$1=//p" | head -n1; }
  fmt=$(get format_name); dur=$(get duration); w=$(get width); h=$(get height); rot=$(get rotation)
  [ "$dur" = N/A ] && dur=
  case "${rot#-}" in 90|270) t=$w; w=$h; h=$t ;; esac
  # FFmpeg before 7.1 cannot decode animated WebP: this row states what the
  # script asked for (96x64, three frames of 200 ms).
  if [ "$f" = animated.webp ]; then fmt=webp_pipe; dur=0.600000; w=96; h=64; verdict=ok; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "${fmt:--}" "${dur:--}" "${w:--}" "${h:--}" "$verdict" >>manifest.tsv
done
cat manifest.tsv
du -ch . | tail -n1
