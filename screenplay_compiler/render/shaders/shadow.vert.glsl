#version 330
// The depth pass from the key light: skinned positions through the light's orthographic matrix.

uniform mat4 u_light_clip;
uniform mat4 u_bones[MAX_BONES];

in vec3 in_pos;
in float in_bone;

void main() {
    gl_Position = u_light_clip * (u_bones[int(in_bone + 0.5)] * vec4(in_pos, 1.0));
}
