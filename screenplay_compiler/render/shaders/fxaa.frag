#version 330
// FXAA (after Lottes' console variant): blend across luma edges found in a 3x3 neighbourhood.

uniform sampler2D u_image;
uniform vec2 u_texel;

in vec2 v_ndc;
out vec4 f_color;

float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }

void main() {
    vec2 uv = v_ndc * 0.5 + 0.5;
    vec3 rgb_m = texture(u_image, uv).rgb;
    float nw = luma(textureOffset(u_image, uv, ivec2(-1, -1)).rgb);
    float ne = luma(textureOffset(u_image, uv, ivec2(1, -1)).rgb);
    float sw = luma(textureOffset(u_image, uv, ivec2(-1, 1)).rgb);
    float se = luma(textureOffset(u_image, uv, ivec2(1, 1)).rgb);
    float m = luma(rgb_m);
    float lo = min(m, min(min(nw, ne), min(sw, se)));
    float hi = max(m, max(max(nw, ne), max(sw, se)));
    if (hi - lo < max(0.0312, hi * 0.125)) {
        f_color = vec4(rgb_m, 1.0);
        return;
    }
    vec2 dir = vec2(-((nw + ne) - (sw + se)), (nw + sw) - (ne + se));
    float reduce = max((nw + ne + sw + se) * 0.25 * 0.125, 1.0 / 128.0);
    float scale = 1.0 / (min(abs(dir.x), abs(dir.y)) + reduce);
    dir = clamp(dir * scale, vec2(-8.0), vec2(8.0)) * u_texel;
    vec3 a = 0.5 * (texture(u_image, uv - dir / 6.0).rgb + texture(u_image, uv + dir / 6.0).rgb);
    vec3 b = a * 0.5 + 0.25 * (texture(u_image, uv - dir * 0.5).rgb + texture(u_image, uv + dir * 0.5).rgb);
    float lb = luma(b);
    f_color = vec4((lb < lo || lb > hi) ? a : b, 1.0);
}
