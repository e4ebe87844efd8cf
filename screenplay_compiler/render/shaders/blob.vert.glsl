#version 330
// A soft contact-shadow decal: a quad lying just above the ground under one character.

uniform mat4 u_view_proj;
uniform vec4 u_blob;        // x, z, radius, strength
uniform vec2 u_offset;      // shift away from the key light

in vec2 in_corner;          // -1..1
out vec2 v_uv;

void main() {
    v_uv = in_corner;
    vec2 xz = u_blob.xy + u_offset + in_corner * vec2(1.0, 0.8) * u_blob.z;
    gl_Position = u_view_proj * vec4(xz.x, 0.012, xz.y, 1.0);
}
