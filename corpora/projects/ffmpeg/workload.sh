#!/bin/sh
# Differential workloads on generated test signals (lavfi testsrc/testsrc2/smptebars/rgbtestsrc,
# sine/aevalsrc): encodes compared as bytes (md5 of the muxed output, every encoder and muxer
# with +bitexact, one thread), decodes as framemd5, filter chains as framemd5, ffprobe's view of
# a file. Usage: workload.sh KIND (see the case list at the end). Run in the built tree; files in
# $WORK. A symmetric miscompilation (encoder and decoder wrong alike) still changes the bytes.
set -e
FF="$EMU ./ffmpeg -nostdin -hide_banner -loglevel error -threads 1 -filter_threads 1"
BX="-flags +bitexact -fflags +bitexact"
V1="testsrc=size=160x120:rate=10:duration=2"
V2="testsrc2=size=176x144:rate=10:duration=2"
V3="smptebars=size=160x120:rate=10:duration=1"
A1="sine=frequency=440:sample_rate=44100:duration=2"
A2="aevalsrc=0.4*sin(2*PI*(330+60*t)*t)|0.3*sin(2*PI*523*t)+0.1*sin(2*PI*1500*t):s=48000:d=2"

# enc NAME SRC EXT ENCODER-ARGS: encode SRC into $WORK/NAME.EXT, print its md5 and size, then the
# framemd5 of its decode
enc() {
    name=$1 src=$2 ext=$3; shift 3
    $FF -f lavfi -i "$src" $BX "$@" -y "$WORK/$name.$ext"
    printf '%s %s %s\n' "$name" "$(md5sum < "$WORK/$name.$ext" | cut -d' ' -f1)" "$(wc -c < "$WORK/$name.$ext")"
    $FF $BX -i "$WORK/$name.$ext" $BX -f framemd5 - | grep -v '^#'
}

# lossless NAME SRC PIX EXT ENCODER-ARGS: enc, and the decode's frames equal the source's (both
# compared as PIX, or as rgb24 for bgr0: its padding byte is not kept)
lossless() {
    name=$1 src=$2 pix=$3 ext=$4; shift 4
    enc "$name" "$src" "$ext" -pix_fmt "$pix" "$@"
    cmpfmt=$pix; [ "$pix" != bgr0 ] || cmpfmt=rgb24
    $FF -f lavfi -i "$src" $BX -vf format=$pix -pix_fmt "$cmpfmt" -f framemd5 - | grep -v '^#' | awk '{print $NF}' > "$WORK/a"
    $FF $BX -i "$WORK/$name.$ext" $BX -pix_fmt "$cmpfmt" -f framemd5 - | grep -v '^#' | awk '{print $NF}' > "$WORK/b"
    if cmp -s "$WORK/a" "$WORK/b"; then echo "$name lossless"; else echo "$name NOT lossless"; fi
}

case $1 in
version)
    $EMU ./ffmpeg -hide_banner -version | grep -v '^built with\|^configuration:'
    $EMU ./ffprobe -hide_banner -version | grep -v '^built with\|^configuration:' ;;
components)
    for w in encoders decoders muxers demuxers filters pix_fmts sample_fmts layouts protocols codecs bsfs; do
        echo "== $w"
        $EMU ./ffmpeg -hide_banner -$w 2>&1
    done ;;
ffv1)
    lossless ffv1-v1 "$V1" yuv420p nut -c:v ffv1
    lossless ffv1-v3-range "$V2" yuv444p mkv -c:v ffv1 -level 3 -coder 1 -context 1 -g 1 -slices 4 -slicecrc 1
    lossless ffv1-v3-custom "$V1" yuv422p10le nut -c:v ffv1 -level 3 -coder 2 -slices 6
    lossless ffv1-rgb "$V3" bgr0 nut -c:v ffv1 -level 3 -coder 1 -context 1
    lossless ffv1-v1-gray "$V2" gray nut -c:v ffv1 -level 1 -coder 0 -g 5 ;;
huffyuv)
    lossless huffyuv-left "$V1" yuv422p avi -c:v huffyuv -pred left
    lossless huffyuv-median "$V2" yuv422p avi -c:v huffyuv -pred median
    lossless huffyuv-rgb "$V3" rgb24 avi -c:v huffyuv -pred plane
    lossless huffyuv-rgba "$V1" rgba nut -c:v huffyuv -pred left
    lossless rawvideo "$V2" yuv420p nut -c:v rawvideo ;;
mjpeg)
    enc mjpeg-q3 "$V1" avi -c:v mjpeg -pix_fmt yuvj420p -q:v 3
    enc mjpeg-422-opt "$V2" avi -c:v mjpeg -pix_fmt yuvj422p -q:v 6 -huffman optimal
    enc mjpeg-444-trellis "$V3" mkv -c:v mjpeg -pix_fmt yuvj444p -q:v 2 -trellis 1 -huffman default ;;
mpeg4)
    enc mpeg4-q5 "$V1" avi -c:v mpeg4 -q:v 5 -g 10 -bf 2
    enc mpeg4-adv "$V2" nut -c:v mpeg4 -q:v 4 -g 12 -bf 1 -mbd rd -trellis 1 -flags +mv4+qpel -cmp rd -subcmp 2
    enc mpeg4-gmc "$V1" m4v -c:v mpeg4 -q:v 7 -mpv_flags +mv0 -flags +ildct+ilme -g 25 -bf 3 -b_strategy 2 ;;
mpeg2)
    enc mpeg2-q4 "$V1" m2v -f mpeg2video -c:v mpeg2video -q:v 4 -g 12 -bf 2
    enc mpeg2-422-ilace "$V2" nut -c:v mpeg2video -pix_fmt yuv422p -q:v 3 -flags +ildct+ilme -alternate_scan 1 -intra_vlc 1
    enc mpeg2-rd "$V3" mkv -c:v mpeg2video -q:v 6 -mbd rd -trellis 2 -dc 9 -g 5 -bf 1 ;;
h263)
    enc h263 "$V2" h263 -c:v h263 -q:v 6 -g 8 ;;
audio)
    enc pcm "$A2" wav -c:a pcm_s16le
    for l in 0 5 8 12; do enc "flac-$l" "$A2" flac -c:a flac -compression_level $l; done
    enc flac-mono-cholesky "$A1" flac -c:a flac -lpc_type cholesky -lpc_passes 3 -exact_rice_parameters 1
    enc mp2-192 "$A2" mp2 -c:a mp2fixed -b:a 192k
    enc mp2-mono "$A1" mp2 -c:a mp2fixed -b:a 64k -ar 32000 ;;
vfilters)
    for g in \
        "scale=320:240:flags=bicubic,format=yuv420p" \
        "scale=97:61:flags=lanczos+accurate_rnd+full_chroma_int,format=yuv444p" \
        "scale=200:150:flags=bilinear,format=rgb24,scale=160:120:flags=area,format=yuv422p" \
        "format=yuv420p10le,scale=120:90:flags=spline,format=gray16le" \
        "transpose=1,hflip,crop=100:80:10:5,pad=128:96:7:3:red" \
        "vflip,negate,hue=h=90:s=1.5,unsharp=5:5:1.2" \
        "edgedetect=low=0.1:high=0.3,colorchannelmixer=.3:.4:.3:0:.3:.4:.3" \
        "format=rgba,colorlevels=rimin=0.1:gimax=0.8,drawbox=x=10:y=10:w=50:h=40:color=blue@0.5:t=fill" \
        "split[a][b];[b]scale=80:60,negate[c];[a][c]overlay=30:20,format=yuv420p" \
        "fps=7,setpts=N/(7*TB),trim=start_frame=3:end_frame=12"; do
        echo "== $g"
        $FF -f lavfi -i "$V2" $BX -vf "$g" -f framemd5 - | grep -v '^#'
    done ;;
afilters)
    for g in \
        "aresample=22050" \
        "aresample=96000:filter_size=32:phase_shift=12,aformat=sample_fmts=flt" \
        "aformat=sample_fmts=dbl,aresample=8000:resampler=swr:linear_interp=1,aformat=sample_fmts=s32" \
        "volume=0.5,aformat=sample_fmts=s16" \
        "volume=volume=-6dB:precision=fixed,aformat=sample_fmts=s16,aresample=44100" \
        "atrim=start=0.5:end=1.5,asetpts=N/SR/TB" \
        "aresample=async=1000,aformat=channel_layouts=mono"; do
        echo "== $g"
        $FF -f lavfi -i "$A2" $BX -af "$g" -f framemd5 - | grep -v '^#'
    done ;;
remux)
    $FF -f lavfi -i "$V1" -f lavfi -i "$A1" $BX -c:v ffv1 -c:a flac -y "$WORK/av.mkv"
    $FF $BX -i "$WORK/av.mkv" $BX -c copy -y "$WORK/av.nut"
    $FF $BX -i "$WORK/av.nut" $BX -c copy -y "$WORK/av.avi"
    $FF $BX -i "$WORK/av.avi" $BX -c copy -y "$WORK/av2.mkv"
    for f in av.mkv av.nut av.avi av2.mkv; do
        printf '%s %s %s\n' "$f" "$(md5sum < "$WORK/$f" | cut -d' ' -f1)" "$(wc -c < "$WORK/$f")"
    done
    $FF $BX -i "$WORK/av2.mkv" $BX -f framemd5 - | grep -v '^#'
    cd "$WORK"
    $EMU "$OLDPWD/ffprobe" -hide_banner -loglevel error -bitexact -show_format -show_streams -show_packets -show_frames -of compact av.nut ;;
*)
    echo "unknown workload $1" >&2; exit 2 ;;
esac
