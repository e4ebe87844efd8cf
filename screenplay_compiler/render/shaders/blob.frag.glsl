#version 330
// Multiplied onto the frame (blend DST_COLOR, ZERO): 1 outside the blob, darker toward its core.
// The frame is sRGB-encoded, so the linear-light darkening (1 - strength) is raised to 1/2.2
// (the encode's slope) before it multiplies the stored colour: the blend stays right in linear light.

uniform vec4 u_blob;
in vec2 v_uv;
out vec4 f_color;

void main() {
    float shadow = u_blob.w * (1.0 - smoothstep(0.15, 1.0, length(v_uv)));
    f_color = vec4(vec3(pow(1.0 - 0.8 * shadow, 1.0 / 2.2)), 1.0);
}
